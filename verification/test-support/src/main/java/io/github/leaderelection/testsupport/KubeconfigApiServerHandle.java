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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link ApiServerHandle} for a cluster named by a kubeconfig: a cluster of one's own (kind,
 * k3d, minikube...) or one the harness started (K3s). There is no process control and no
 * request counts (the cluster's own components write leases all the time).
 *
 * <p>A cluster of one's own offers the admin side only: the harness creates nothing in it
 * beyond what the tests do. A cluster the harness started also has the restricted user: a real
 * ServiceAccount {@code default/elector} with a token from the TokenRequest API and the same
 * Role as on the local server.
 */
final class KubeconfigApiServerHandle extends AbstractApiServerHandle {

    private final Path kubeconfig;
    private final URI url;
    private final String description;
    /** Stops the cluster at the end of the run; null for a cluster of one's own. */
    private final AutoCloseable owner;
    private final Restricted restricted;

    /** The restricted user of a started cluster: its token, the CA to trust, its Role. */
    private record Restricted(String token, String caCertificatePem, RestrictedLeaseAccess access) {
    }

    /** A cluster of one's own, from {@code LEADER_ELECTION_KUBECONFIG}: admin features only. */
    KubeconfigApiServerHandle(Path kubeconfig) {
        this.kubeconfig = kubeconfig;
        this.url = URI.create(adminClient().getBasePath());
        this.description = "cluster from " + kubeconfig;
        this.owner = null;
        this.restricted = null;
    }

    private KubeconfigApiServerHandle(Path kubeconfig, String description, AutoCloseable owner) {
        this.kubeconfig = kubeconfig;
        this.url = URI.create(adminClient().getBasePath());
        this.description = description;
        this.owner = owner;
        ApiClient admin = adminClient();
        String token = ServiceAccountTokens.issue(admin, StaticTokens.RESTRICTED_NAMESPACE, StaticTokens.RESTRICTED_NAME);
        List<String> groups = new ArrayList<>(StaticTokens.RESTRICTED_GROUPS);
        groups.add("system:authenticated");
        this.restricted = new Restricted(token, certificateAuthorityPem(kubeconfig),
                new RestrictedLeaseAccess(admin, StaticTokens.RESTRICTED_USER, groups));
        restricted.access().setUp(namespace());
    }

    /**
     * A cluster the harness started and stops through {@code owner} when the run ends (or
     * when this constructor fails): admin features and the restricted user.
     *
     * @param kubeconfig an admin kubeconfig of the cluster, with the CA embedded
     * @param description for messages, such as {@code K3s rancher/k3s:v1.36.3-k3s1}
     */
    static KubeconfigApiServerHandle startedCluster(Path kubeconfig, String description, AutoCloseable owner) {
        try {
            return new KubeconfigApiServerHandle(kubeconfig, description, owner);
        } catch (RuntimeException e) {
            closeQuietly(owner);
            throw e;
        }
    }

    @Override
    public URI url() {
        return url;
    }

    @Override
    public ApiClient adminClient() {
        return clientFrom(kubeconfig);
    }

    @Override
    public ApiClient adminClientThrough(TcpProxy proxy) {
        ApiClient client = adminClient();
        client.setBasePath(ApiClients.rebase(url, proxy.host(), proxy.port()).toString());
        return client;
    }

    @Override
    public ApiClient restrictedClient() {
        Restricted r = restricted();
        return ApiClients.tokenClient(url, r.caCertificatePem(), r.token());
    }

    @Override
    public String restrictedUser() {
        restricted();
        return StaticTokens.RESTRICTED_USER;
    }

    @Override
    public ApiClient restrictedClientThrough(TcpProxy proxy) {
        Restricted r = restricted();
        return ApiClients.tokenClient(ApiClients.rebase(url, proxy.host(), proxy.port()), r.caCertificatePem(), r.token());
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
        Restricted r = restricted();
        return Kubeconfigs.write(file, url, r.caCertificatePem(), r.token(), StaticTokens.RESTRICTED_NAMESPACE);
    }

    @Override
    protected void namespaceCreated(String name) {
        if (restricted != null) {
            restricted.access().setUp(name);
        }
    }

    @Override
    public void grantLeaseVerbs(String... verbs) {
        grantLeaseVerbsIn(namespace(), verbs);
    }

    @Override
    public void grantLeaseVerbsIn(String namespace, String... verbs) {
        restricted().access().grant(namespace, verbs);
    }

    @Override
    protected void restoreAfterTest() {
        // Of a cluster of one's own nothing is changed through this handle.
        if (restricted != null) {
            restricted.access().restore();
        }
    }

    @Override
    public void close() {
        super.close();
        closeQuietly(owner);
    }

    @Override
    public String toString() {
        return description + " (" + url + ")";
    }

    /** A client from a kubeconfig file; relative certificate paths in it are relative to the file. */
    static ApiClient clientFrom(Path kubeconfig) {
        try (Reader reader = Files.newBufferedReader(kubeconfig, StandardCharsets.UTF_8)) {
            KubeConfig config = KubeConfig.loadKubeConfig(reader);
            config.setFile(kubeconfig.toFile());
            return ClientBuilder.kubeconfig(config).build();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read kubeconfig " + kubeconfig, e);
        }
    }

    /** The PEM of the CA embedded in the kubeconfig's current cluster, for token clients. */
    static String certificateAuthorityPem(Path kubeconfig) {
        try (Reader reader = Files.newBufferedReader(kubeconfig, StandardCharsets.UTF_8)) {
            KubeConfig config = KubeConfig.loadKubeConfig(reader);
            config.setFile(kubeconfig.toFile());
            byte[] ca = config.getDataOrFileRelative(config.getCertificateAuthorityData(), config.getCertificateAuthorityFile());
            if (ca == null) {
                throw new IllegalStateException(kubeconfig + " names no certificate authority for its cluster");
            }
            return new String(ca, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read kubeconfig " + kubeconfig, e);
        }
    }

    private Restricted restricted() {
        if (restricted == null) {
            throw unsupported("a restricted user");
        }
        return restricted;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            // The run is ending (or failed already); a container left behind is reaped by Testcontainers.
            org.slf4j.LoggerFactory.getLogger(KubeconfigApiServerHandle.class).warn("could not stop {}: {}", closeable, e.toString());
        }
    }

    private UnsupportedOperationException unsupported(String what) {
        if (owner != null) {
            return new UnsupportedOperationException("The " + description + " offers no " + what
                    + "; only the local etcd + kube-apiserver (verification/apiserver/build.sh,"
                    + " LEADER_ELECTION_APISERVER=local) does.");
        }
        return new UnsupportedOperationException("The cluster from " + ApiServerSources.KUBECONFIG_ENV
                + " (" + kubeconfig + ") offers no " + what + "; only the local etcd + kube-apiserver"
                + " (verification/apiserver/build.sh) does. Unset " + ApiServerSources.KUBECONFIG_ENV
                + " to run this test.");
    }
}
