package io.github.leaderelection.testsupport;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.VersionApi;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every kind of server shares: unique names, namespaces, proxies, and the clean-up the
 * extension runs after each test and at the end of the run.
 */
abstract class AbstractApiServerHandle implements ApiServerHandle, AutoCloseable {

    private static final String DEFAULT_NAMESPACE = "default";
    /** DNS labels (namespaces, and what tests use for lease names) have at most 63 characters. */
    private static final int MAX_PREFIX = 40;

    private final AtomicLong nameCounter = new AtomicLong();
    private final SecureRandom random = new SecureRandom();
    private final Set<TcpProxy> proxies = ConcurrentHashMap.newKeySet();
    private volatile String serverVersion;

    @Override
    public String namespace() {
        return DEFAULT_NAMESPACE;
    }

    @Override
    public String serverVersion() {
        String version = serverVersion;
        if (version == null) {
            try {
                version = new VersionApi(adminClient()).getCode().execute().getGitVersion();
            } catch (ApiException e) {
                throw new IllegalStateException("GET /version answered HTTP " + e.getCode() + ": "
                        + e.getResponseBody(), e);
            }
            serverVersion = version;
        }
        return version;
    }

    @Override
    public TcpProxy newProxy() {
        int port = url().getPort() == -1 ? 443 : url().getPort();
        TcpProxy proxy = TcpProxy.start(url().getHost(), port);
        proxies.add(proxy);
        return proxy;
    }

    @Override
    public String uniqueName(String prefix) {
        String safe = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("^-+|-+$", "");
        if (safe.length() > MAX_PREFIX) {
            safe = safe.substring(0, MAX_PREFIX).replaceAll("-+$", "");
        }
        // The counter keeps names ordered within the run; the random part keeps them apart
        // across runs against a long-lived cluster.
        String suffix = nameCounter.incrementAndGet() + "-" + Long.toString(random.nextInt(1 << 30), 36);
        return safe.isEmpty() ? "t" + suffix : safe + "-" + suffix;
    }

    @Override
    public void createNamespace(String name) {
        try {
            new CoreV1Api(adminClient())
                    .createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(name)))
                    .execute();
        } catch (ApiException e) {
            if (e.getCode() != 409) {
                throw new IllegalStateException("could not create namespace " + name + ": HTTP "
                        + e.getCode() + " " + e.getResponseBody(), e);
            }
        }
        namespaceCreated(name);
    }

    /** Hook for permissions in a namespace {@link #createNamespace(String)} made. */
    protected void namespaceCreated(String name) {
    }

    /** Puts back what the finished test changed. */
    void afterTest() {
        for (TcpProxy proxy : proxies) {
            proxy.close();
        }
        proxies.clear();
        restoreAfterTest();
    }

    /** Restores server-specific state (processes, RBAC) after a test. */
    protected abstract void restoreAfterTest();

    /** Releases the server at the end of the run. */
    @Override
    public void close() {
        for (TcpProxy proxy : proxies) {
            proxy.close();
        }
        proxies.clear();
    }
}
