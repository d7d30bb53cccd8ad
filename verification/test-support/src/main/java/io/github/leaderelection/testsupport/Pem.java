package io.github.leaderelection.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** PEM text for DER bytes (certificates and PKCS#8 private keys). */
final class Pem {

    private Pem() {
    }

    static String encode(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    static String certificate(byte[] der) {
        return encode("CERTIFICATE", der);
    }

    /** Go's key loaders (TLS and service-account keys) accept PKCS#8 "PRIVATE KEY" blocks. */
    static String privateKey(byte[] pkcs8Der) {
        return encode("PRIVATE KEY", pkcs8Der);
    }
}
