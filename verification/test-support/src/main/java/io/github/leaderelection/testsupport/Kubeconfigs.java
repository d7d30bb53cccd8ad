package io.github.leaderelection.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/** Writes kubeconfig files for processes a test starts (a sample app, kubectl...). */
final class Kubeconfigs {

    private Kubeconfigs() {
    }

    /**
     * Writes a kubeconfig with one cluster, one token user and one current context whose
     * namespace is {@code namespace}. The CA is embedded, so the file stands alone.
     */
    static Path write(Path file, URI server, String caCertificatePem, String token, String namespace) {
        String ca = Base64.getEncoder().encodeToString(caCertificatePem.getBytes(StandardCharsets.US_ASCII));
        // Every value is quoted: tokens and URLs must not be read as YAML numbers or booleans.
        String yaml = "apiVersion: v1\n"
                + "kind: Config\n"
                + "clusters:\n"
                + "- name: test\n"
                + "  cluster:\n"
                + "    server: \"" + server + "\"\n"
                + "    certificate-authority-data: \"" + ca + "\"\n"
                + "users:\n"
                + "- name: test\n"
                + "  user:\n"
                + "    token: \"" + token + "\"\n"
                + "contexts:\n"
                + "- name: test\n"
                + "  context:\n"
                + "    cluster: test\n"
                + "    user: test\n"
                + "    namespace: \"" + namespace + "\"\n"
                + "current-context: test\n";
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write kubeconfig " + file, e);
        }
    }
}
