package io.github.leaderelection.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The key material for one local API server, written as PEM files: a throw-away CA, a
 * serving certificate it signs, and the service-account signing key.
 *
 * <p>We issue the serving certificate ourselves (instead of letting kube-apiserver generate
 * one in {@code --cert-dir}) because then the CA is known before the server starts, the
 * names it covers are ours to choose (127.0.0.1 and localhost, so clients going through a
 * loopback {@link TcpProxy} still pass host-name verification), and nothing depends on file
 * names the apiserver happens to use.
 */
final class TestPki {

    private static final Duration VALIDITY = Duration.ofDays(7);

    private final String caCertificatePem;
    private final Path caCertificateFile;
    private final Path servingCertificateFile;
    private final Path servingKeyFile;
    private final Path serviceAccountKeyFile;

    private TestPki(String caCertificatePem, Path caCertificateFile, Path servingCertificateFile,
            Path servingKeyFile, Path serviceAccountKeyFile) {
        this.caCertificatePem = caCertificatePem;
        this.caCertificateFile = caCertificateFile;
        this.servingCertificateFile = servingCertificateFile;
        this.servingKeyFile = servingKeyFile;
        this.serviceAccountKeyFile = serviceAccountKeyFile;
    }

    /** Generates all material and writes it under {@code dir}. */
    static TestPki generate(Path dir) {
        try {
            Files.createDirectories(dir);
            // EC P-256 for TLS: key generation and handshakes are much cheaper than RSA.
            KeyPair caKeys = ecKeyPair();
            X509Certificate ca = caCertificate(caKeys);
            KeyPair servingKeys = ecKeyPair();
            X509Certificate serving = servingCertificate(servingKeys, ca, caKeys.getPrivate());
            // RSA for service-account tokens: the classic RS256 setup every cluster uses.
            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048);
            KeyPair serviceAccountKeys = rsa.generateKeyPair();

            String caPem = Pem.certificate(ca.getEncoded());
            Path caFile = write(dir.resolve("ca.crt"), caPem);
            Path certFile = write(dir.resolve("apiserver.crt"), Pem.certificate(serving.getEncoded()));
            Path keyFile = write(dir.resolve("apiserver.key"),
                    Pem.privateKey(servingKeys.getPrivate().getEncoded()));
            Path saFile = write(dir.resolve("service-account.key"),
                    Pem.privateKey(serviceAccountKeys.getPrivate().getEncoded()));
            return new TestPki(caPem, caFile, certFile, keyFile, saFile);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("could not generate the test PKI", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String caCertificatePem() {
        return caCertificatePem;
    }

    Path caCertificateFile() {
        return caCertificateFile;
    }

    Path servingCertificateFile() {
        return servingCertificateFile;
    }

    Path servingKeyFile() {
        return servingKeyFile;
    }

    /** Private key: kube-apiserver accepts it both as signing key and as verification key. */
    Path serviceAccountKeyFile() {
        return serviceAccountKeyFile;
    }

    private static KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        return ec.generateKeyPair();
    }

    private static X509Certificate caCertificate(KeyPair keys)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        X500Name name = new X500Name("CN=leader-election-test-ca");
        X509v3CertificateBuilder builder = builder(name, name, keys);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        builder.addExtension(Extension.keyUsage, true,
                new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
        return sign(builder, keys.getPrivate());
    }

    private static X509Certificate servingCertificate(KeyPair keys, X509Certificate ca,
            PrivateKey caKey) throws GeneralSecurityException, OperatorCreationException, IOException {
        X500Name issuer = X500Name.getInstance(ca.getSubjectX500Principal().getEncoded());
        X509v3CertificateBuilder builder = builder(issuer, new X500Name("CN=kube-apiserver"), keys);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false,
                new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
            new GeneralName(GeneralName.dNSName, "localhost"),
            // The in-cluster names and first service IP, as a real apiserver certificate has.
            new GeneralName(GeneralName.iPAddress, "10.0.0.1"),
            new GeneralName(GeneralName.dNSName, "kubernetes"),
            new GeneralName(GeneralName.dNSName, "kubernetes.default"),
            new GeneralName(GeneralName.dNSName, "kubernetes.default.svc"),
        }));
        return sign(builder, caKey);
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, new SecureRandom()).abs(),
                // Back-dated a little so a clock step right after start cannot invalidate it.
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)),
                subject, keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws GeneralSecurityException, OperatorCreationException {
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    private static Path write(Path file, String content) throws IOException {
        return Files.writeString(file, content);
    }
}
