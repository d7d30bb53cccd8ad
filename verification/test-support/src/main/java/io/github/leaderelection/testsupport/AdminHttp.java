package io.github.leaderelection.testsupport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Plain HTTPS GETs with a bearer token against the API server, trusting only its CA: for the
 * readiness probe and {@code /metrics}, which are not part of the generated client.
 */
final class AdminHttp {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final URI baseUrl;
    private final String token;
    private final HttpClient http;

    AdminHttp(URI baseUrl, String caCertificatePem, String token) {
        this.baseUrl = baseUrl;
        this.token = token;
        this.http = HttpClient.newBuilder()
                .sslContext(trusting(caCertificatePem))
                .proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** Status code and body of {@code GET path}; IO errors propagate (server not up yet). */
    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(baseUrl.resolve(path))
                .header("Authorization", "Bearer " + token)
                .timeout(TIMEOUT)
                .GET()
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** {@code GET path}, failing unless it answers 200. */
    String getOk(String path) {
        try {
            HttpResponse<String> response = get(path);
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " answered " + response.statusCode()
                        + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during GET " + path, e);
        }
    }

    private static SSLContext trusting(String caCertificatePem) {
        try {
            Certificate ca = CertificateFactory.getInstance("X.509").generateCertificate(
                    new ByteArrayInputStream(caCertificatePem.getBytes(StandardCharsets.US_ASCII)));
            KeyStore trustStore = KeyStore.getInstance(KeyStore.getDefaultType());
            trustStore.load(null, null);
            trustStore.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trustStore);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("could not build a trust store for the API server CA", e);
        }
    }
}
