package io.github.leaderelection.testsupport;

import io.kubernetes.client.openapi.ApiClient;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real Kubernetes API server shared by all tests of a run, as injected by
 * {@link RealApiServerExtension} (see {@link RealApiServer}).
 *
 * <p>The server is shared: use {@link #uniqueName(String)} for every object a test creates,
 * and read {@link #metrics()} as deltas. What a test changes through this handle is put back
 * after each test by the extension: stopped processes are started again, lease verbs are
 * reset to the defaults, proxies from {@link #newProxy()} are closed. Tests that change
 * shared state must therefore not run in parallel with others.
 *
 * <p>Some features exist only with the local etcd + kube-apiserver, not with a cluster
 * given by {@code LEADER_ELECTION_KUBECONFIG}; those throw {@link UnsupportedOperationException}
 * there, as said on each method. K3s (started by the harness) has the restricted user, as a
 * real ServiceAccount, but neither request counts nor process control.
 */
public interface ApiServerHandle {

    /** The namespace to create objects in ({@code default}). */
    String namespace();

    /** The API server's base URL. */
    URI url();

    /**
     * The server's Kubernetes version as {@code /version} reports it ({@code gitVersion}, such
     * as {@code v1.36.3}, or {@code v1.35.4+k3s1} on K3s). Read once, when the server was
     * opened: the harness logs it and checks it against
     * {@code LEADER_ELECTION_EXPECT_KUBERNETES_VERSION} when that is set.
     */
    String serverVersion();

    /** A new client (own connection pool) with cluster-admin rights. */
    ApiClient adminClient();

    /**
     * A new client (own connection pool) for {@link #restrictedUser()}, who may only use
     * Leases, with the verbs of the Role {@code lease-elector} (by default get, list, watch,
     * create, update) in {@link #namespace()} and in namespaces made by
     * {@link #createNamespace(String)}.
     *
     * @throws UnsupportedOperationException on a cluster from a kubeconfig
     */
    ApiClient restrictedClient();

    /**
     * The restricted user's name, {@code system:serviceaccount:default:elector}.
     *
     * @throws UnsupportedOperationException on a cluster from a kubeconfig
     */
    String restrictedUser();

    /**
     * Starts a {@link TcpProxy} in front of the API server. It is closed after the test (or
     * earlier by the test).
     */
    TcpProxy newProxy();

    /** Like {@link #adminClient()}, but connecting through {@code proxy}. */
    ApiClient adminClientThrough(TcpProxy proxy);

    /**
     * Like {@link #restrictedClient()}, but connecting through {@code proxy}.
     *
     * @throws UnsupportedOperationException on a cluster from a kubeconfig
     */
    ApiClient restrictedClientThrough(TcpProxy proxy);

    /**
     * Requests on Lease objects served so far, per verb as the server spells it ({@code GET},
     * {@code LIST}, {@code WATCH}, {@code POST}, {@code PUT}, {@code PATCH}, {@code DELETE};
     * absent when zero), summed over response codes and namespaces. A request is counted when
     * it completes (a watch when it ends), just after its response: poll for an expected
     * count. The server's own lease traffic is switched off.
     *
     * @throws UnsupportedOperationException on a cluster from a kubeconfig (its own components
     *     write leases all the time, so the counts would mean nothing)
     */
    Map<String, Long> metrics();

    /**
     * Stops kube-apiserver (SIGTERM, killed after a bound). Open connections break; new ones
     * are refused until {@link #startApiServer()}.
     *
     * @throws UnsupportedOperationException on a cluster from a kubeconfig
     */
    void stopApiServer();

    /**
     * Starts kube-apiserver again on the same port and waits until it is ready.
     *
     * @throws UnsupportedOperationException on a cluster from a kubeconfig
     */
    void startApiServer();

    /**
     * Kills etcd, as in a crash (a graceful stop would take seconds). The API server keeps
     * running and answers with errors or timeouts; its /readyz fails.
     *
     * @throws UnsupportedOperationException on a cluster from a kubeconfig
     */
    void stopEtcd();

    /**
     * Starts etcd again (same port and data, so nothing is lost) and waits until it and the
     * API server are ready.
     *
     * @throws UnsupportedOperationException on a cluster from a kubeconfig
     */
    void startEtcd();

    /**
     * Writes a kubeconfig with admin rights for a process the test starts.
     *
     * @return {@code file}
     */
    Path writeAdminKubeconfig(Path file);

    /**
     * Writes a kubeconfig for {@link #restrictedUser()}, namespace {@link #namespace()}.
     *
     * @return {@code file}
     * @throws UnsupportedOperationException on a cluster from a kubeconfig
     */
    Path writeRestrictedKubeconfig(Path file);

    /**
     * A name no other test of this run uses: {@code prefix}, made DNS-label safe, plus a
     * random suffix. No controller-manager runs, so deletions of namespaces never finish and
     * reusing names across tests would mix their objects.
     */
    String uniqueName(String prefix);

    /**
     * Creates a namespace (if absent) and, on the local server, the restricted user's Role and
     * RoleBinding in it. Deleting it would never finish: no controller-manager runs.
     */
    void createNamespace(String name);

    /**
     * Replaces the restricted user's verbs on Leases in {@link #namespace()} (for example
     * without {@code update}) and waits until the authorizer applies them. Reset after the test.
     *
     * @throws UnsupportedOperationException on a cluster from a kubeconfig
     */
    void grantLeaseVerbs(String... verbs);

    /**
     * {@link #grantLeaseVerbs(String...)} for a namespace made by {@link #createNamespace(String)}.
     *
     * @throws UnsupportedOperationException on a cluster from a kubeconfig
     */
    void grantLeaseVerbsIn(String namespace, String... verbs);
}
