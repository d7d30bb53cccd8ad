package io.github.leaderelection.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestPkiTest {

    @Test
    void servingCertificateIsSignedByTheCaAndCoversLoopback(@TempDir Path dir) throws Exception {
        TestPki pki = TestPki.generate(dir);

        X509Certificate ca = read(pki.caCertificateFile());
        X509Certificate serving = read(pki.servingCertificateFile());
        serving.verify(ca.getPublicKey());
        List<String> names = serving.getSubjectAlternativeNames().stream()
                .map(entry -> String.valueOf(entry.get(1)))
                .collect(Collectors.toList());
        assertThat(names).contains("127.0.0.1", "localhost");
        assertThat(Files.readString(pki.servingKeyFile())).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.readString(pki.serviceAccountKeyFile())).startsWith("-----BEGIN PRIVATE KEY-----");
    }

    private static X509Certificate read(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
