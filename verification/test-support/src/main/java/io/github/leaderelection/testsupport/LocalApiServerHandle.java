package io.github.leaderelection.testsupport;

import io.kubernetes.client.openapi.ApiClient;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@link ApiServerHandle} for a {@link LocalApiServer}: every feature is there. */
final class LocalApiServerHandle extends AbstractApiServerHandle {

    private final LocalApiServer server;
    private final RestrictedLeaseAccess rbac;

    LocalApiServerHandle(LocalApiServer server) {
        this.server = server;
        List<String> groups = new ArrayList<>(StaticTokens.RESTRICTED_GROUPS);
        groups.add("system:authenticated");
        this.rbac = new RestrictedLeaseAccess(server.client(server.adminToken()), server.restrictedUser(), groups);
        rbac.setUp(namespace());
    }

    /** The launcher behind this handle, for what the handle does not offer. */
    LocalApiServer server() {
        return server;
    }

    @Override
    public URI url() {
        return server.url();
    }

    @Override
    public ApiClient adminClient() {
        return server.client(server.adminToken());
    }

    @Override
    public ApiClient restrictedClient() {
        return server.client(server.restrictedToken());
    }

    @Override
    public String restrictedUser() {
        return server.restrictedUser();
    }

    @Override
    public ApiClient adminClientThrough(TcpProxy proxy) {
        return server.client(server.adminToken(), proxyUrl(proxy));
    }

    @Override
    public ApiClient restrictedClientThrough(TcpProxy proxy) {
        return server.client(server.restrictedToken(), proxyUrl(proxy));
    }

    @Override
    public Map<String, Long> metrics() {
        return server.metrics();
    }

    @Override
    public void stopApiServer() {
        server.stopApiServer();
    }

    @Override
    public void startApiServer() {
        server.startApiServer();
    }

    @Override
    public void stopEtcd() {
        server.stopEtcd();
    }

    @Override
    public void startEtcd() {
        server.startEtcd();
    }

    @Override
    public Path writeAdminKubeconfig(Path file) {
        return server.writeKubeconfig(file, server.adminToken());
    }

    @Override
    public Path writeRestrictedKubeconfig(Path file) {
        return server.writeKubeconfig(file, server.restrictedToken());
    }

    @Override
    protected void namespaceCreated(String name) {
        rbac.setUp(name);
    }

    @Override
    public void grantLeaseVerbs(String... verbs) {
        grantLeaseVerbsIn(namespace(), verbs);
    }

    @Override
    public void grantLeaseVerbsIn(String namespace, String... verbs) {
        rbac.grant(namespace, verbs);
    }

    @Override
    protected void restoreAfterTest() {
        // etcd first: the API server only gets ready with it.
        if (!server.isEtcdRunning()) {
            server.startEtcd();
        }
        if (!server.isApiServerRunning()) {
            server.startApiServer();
        }
        rbac.restore();
    }

    @Override
    public void close() {
        super.close();
        server.close();
    }

    @Override
    public String toString() {
        return "local " + server;
    }

    private URI proxyUrl(TcpProxy proxy) {
        return ApiClients.rebase(server.url(), proxy.host(), proxy.port());
    }
}
