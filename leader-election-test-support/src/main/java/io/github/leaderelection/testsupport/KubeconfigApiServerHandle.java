package io.github.leaderelection.testsupport;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * {@link ApiServerHandle} for a cluster of one's own (kind, k3d, minikube...) named by a
 * kubeconfig. Only the admin side is there: no restricted user, no process control, and no
 * request counts (the cluster's own components write leases all the time).
 */
final class KubeconfigApiServerHandle extends AbstractApiServerHandle {

    private final Path kubeconfig;
    private final URI url;

    KubeconfigApiServerHandle(Path kubeconfig) {
        this.kubeconfig = kubeconfig;
        this.url = URI.create(adminClient().getBasePath());
    }

    @Override
    public URI url() {
        return url;
    }

    @Override
    public ApiClient adminClient() {
        try (Reader reader = Files.newBufferedReader(kubeconfig, StandardCharsets.UTF_8)) {
            KubeConfig config = KubeConfig.loadKubeConfig(reader);
            // Relative certificate paths in the file are relative to the file.
            config.setFile(kubeconfig.toFile());
            return ClientBuilder.kubeconfig(config).build();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read kubeconfig " + kubeconfig, e);
        }
    }

    @Override
    public ApiClient adminClientThrough(TcpProxy proxy) {
        ApiClient client = adminClient();
        client.setBasePath(ApiClients.rebase(url, proxy.host(), proxy.port()).toString());
        return client;
    }

    @Override
    public ApiClient restrictedClient() {
        throw unsupported("a restricted user");
    }

    @Override
    public String restrictedUser() {
        throw unsupported("a restricted user");
    }

    @Override
    public ApiClient restrictedClientThrough(TcpProxy proxy) {
        throw unsupported("a restricted user");
    }

    @Override
    public Map<String, Long> metrics() {
        throw unsupported("meaningful lease request counts");
    }

    @Override
    public void stopApiServer() {
        throw unsupported("stopping the API server");
    }

    @Override
    public void startApiServer() {
        throw unsupported("starting the API server");
    }

    @Override
    public void stopEtcd() {
        throw unsupported("stopping etcd");
    }

    @Override
    public void startEtcd() {
        throw unsupported("starting etcd");
    }

    @Override
    public Path writeAdminKubeconfig(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return Files.copy(kubeconfig, file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("could not copy " + kubeconfig + " to " + file, e);
        }
    }

    @Override
    public Path writeRestrictedKubeconfig(Path file) {
        throw unsupported("a restricted user");
    }

    @Override
    public void grantLeaseVerbs(String... verbs) {
        throw unsupported("a restricted user");
    }

    @Override
    public void grantLeaseVerbsIn(String namespace, String... verbs) {
        throw unsupported("a restricted user");
    }

    @Override
    protected void restoreAfterTest() {
        // Nothing of the cluster's is changed through this handle.
    }

    @Override
    public String toString() {
        return "cluster from " + kubeconfig + " (" + url + ")";
    }

    private UnsupportedOperationException unsupported(String what) {
        return new UnsupportedOperationException("The cluster from " + ApiServerSources.KUBECONFIG_ENV
                + " (" + kubeconfig + ") offers no " + what + "; only the local etcd + kube-apiserver"
                + " (tools/apiserver/build.sh) does. Unset " + ApiServerSources.KUBECONFIG_ENV
                + " to run this test.");
    }
}
