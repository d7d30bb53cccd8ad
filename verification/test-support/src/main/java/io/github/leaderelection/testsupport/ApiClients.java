package io.github.leaderelection.testsupport;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.credentials.AccessTokenAuthentication;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Builds client-java {@link ApiClient}s for a server we know the CA and tokens of. */
final class ApiClients {

    private ApiClients() {
    }

    /**
     * A new client (with its own connection pool) for {@code baseUrl}, authenticating with
     * {@code token} and trusting only {@code caCertificatePem}. Host names are verified, so the
     * base URL must name a host the serving certificate covers (127.0.0.1 or localhost).
     */
    static ApiClient tokenClient(URI baseUrl, String caCertificatePem, String token) {
        ApiClient client = new ClientBuilder()
                .setBasePath(baseUrl.toString())
                .setVerifyingSsl(true)
                .setCertificateAuthority(caCertificatePem.getBytes(StandardCharsets.US_ASCII))
                .setAuthentication(new AccessTokenAuthentication(token))
                .build();
        return withoutProxy(client);
    }

    /** Loopback traffic must never go through an HTTP proxy configured for the JVM. */
    static ApiClient withoutProxy(ApiClient client) {
        return client.setHttpClient(client.getHttpClient().newBuilder().proxy(Proxy.NO_PROXY).build());
    }

    /** {@code original}'s scheme with another host and port (and no path): a proxy's URL. */
    static URI rebase(URI original, String host, int port) {
        return URI.create(original.getScheme() + "://" + host + ":" + port);
    }
}
