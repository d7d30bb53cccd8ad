package io.github.leaderelection.core.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.gson.reflect.TypeToken;
import io.github.leaderelection.testsupport.ApiServerHandle;
import io.github.leaderelection.testsupport.RealApiServer;
import io.github.leaderelection.testsupport.TcpProxy;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.VersionApi;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.Watch;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import okhttp3.Call;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the real-server harness itself, and the API server facts the elector relies on:
 * optimistic concurrency, MicroTime precision, watch by field selector, RBAC. Against a cluster
 * from LEADER_ELECTION_KUBECONFIG the local-only features (restricted user, metrics, restarts)
 * throw UnsupportedOperationException, so these tests fail there rather than skip.
 */
@RealApiServer
class RealApiServerHarnessIT {

    /** What .ci/run sets for its runs on the oldest and newest version. */
    private static final String EXPECT_VERSION_ENV = "LEADER_ELECTION_EXPECT_KUBERNETES_VERSION";
    /** Microsecond precision, UTC: the only form client-java writes correctly (it always appends 'Z'). */
    private static final OffsetDateTime RENEW_TIME = OffsetDateTime.of(2026, 3, 4, 5, 6, 7, 123_456_000, ZoneOffset.UTC);

    @Test
    void serverReportsTheVersionThisRunIsFor(ApiServerHandle server) throws ApiException {
        String reported = new VersionApi(server.adminClient()).getCode().execute().getGitVersion();

        assertThat(reported).isEqualTo(server.serverVersion());
        // Exactly the version, or with a distribution's suffix (v1.35.4+k3s1).
        assertThat(reported).matches(java.util.regex.Pattern.quote(expectedVersion()) + "(\\+.*)?");
    }

    /**
     * {@value #EXPECT_VERSION_ENV} when set (with a leading v), else the default line of
     * verification/apiserver/versions, which ./mvnw verify runs on.
     */
    static String expectedVersion() {
        String expected = System.getenv(EXPECT_VERSION_ENV);
        if (expected != null && !expected.isBlank()) {
            return expected.trim().startsWith("v") ? expected.trim() : "v" + expected.trim();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path file = dir.resolve("verification/apiserver/versions");
            if (Files.isRegularFile(file)) {
                try {
                    for (String line : Files.readAllLines(file)) {
                        String[] f = line.replaceAll("#.*", "").trim().split("\\s+");
                        if (f.length >= 2 && f[0].equals("default")) {
                            return f[1];
                        }
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
        throw new IllegalStateException("verification/apiserver/versions not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void restrictedUserCreatesAndUpdatesLeasesWithOptimisticConcurrency(ApiServerHandle server) throws ApiException {
        CoordinationV1Api api = new CoordinationV1Api(server.restrictedClient());
        String name = server.uniqueName("harness-cas");
        V1Lease created = api.createNamespacedLease(server.namespace(), lease(name, "a")).execute();

        V1Lease fresh = api.readNamespacedLease(name, server.namespace()).execute();
        fresh.getSpec().holderIdentity("b");
        V1Lease updated = api.replaceNamespacedLease(name, server.namespace(), fresh).execute();
        assertThat(updated.getMetadata().getResourceVersion()).isNotEqualTo(created.getMetadata().getResourceVersion());

        created.getSpec().holderIdentity("c"); // still carries the first resourceVersion
        assertThatThrownBy(() -> api.replaceNamespacedLease(name, server.namespace(), created).execute())
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(409));
        assertThatThrownBy(() -> api.createNamespacedLease(server.namespace(), lease(name, "d")).execute())
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(409));
        assertThat(api.readNamespacedLease(name, server.namespace()).execute().getSpec().getHolderIdentity()).isEqualTo("b");
    }

    @Test
    void microTimeRoundTripsWithMicrosecondPrecision(ApiServerHandle server) throws ApiException {
        CoordinationV1Api api = new CoordinationV1Api(server.restrictedClient());
        String name = server.uniqueName("harness-microtime");
        api.createNamespacedLease(server.namespace(), lease(name, "a")).execute();

        V1LeaseSpec spec = api.readNamespacedLease(name, server.namespace()).execute().getSpec();

        assertThat(spec.getRenewTime()).isEqualTo(RENEW_TIME);
        assertThat(spec.getAcquireTime()).isEqualTo(RENEW_TIME);
    }

    @Test
    void watchByFieldSelectorDeliversModified(ApiServerHandle server) throws Exception {
        assertWatchSeesUpdate(server);
    }

    @Test
    void watchByFieldSelectorNeedsOnlyTheWatchVerb(ApiServerHandle server) throws Exception {
        // The apiserver maps fieldSelector=metadata.name=x to the request's name: verb "watch",
        // no "list". Reset to the defaults after the test by the extension.
        server.grantLeaseVerbs("get", "watch", "create", "update");
        CoordinationV1Api api = new CoordinationV1Api(server.restrictedClient());
        assertThatThrownBy(() -> api.listNamespacedLease(server.namespace()).execute())
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(403));

        assertWatchSeesUpdate(server);
    }

    @Test
    void restrictedUserWithoutUpdateIsForbiddenToUpdate(ApiServerHandle server) throws ApiException {
        CoordinationV1Api api = new CoordinationV1Api(server.restrictedClient());
        String name = server.uniqueName("harness-no-update");
        api.createNamespacedLease(server.namespace(), lease(name, "a")).execute();
        server.grantLeaseVerbs("get", "list", "watch", "create");

        V1Lease current = api.readNamespacedLease(name, server.namespace()).execute();
        assertThatThrownBy(() -> api.replaceNamespacedLease(name, server.namespace(), current).execute())
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }

    @Test
    void restrictedUserCannotReadConfigMaps(ApiServerHandle server) {
        CoreV1Api core = new CoreV1Api(server.restrictedClient());

        assertThatThrownBy(() -> core.readNamespacedConfigMap("anything", server.namespace()).execute())
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(403));
        assertThatThrownBy(() -> core.listNamespacedConfigMap(server.namespace()).execute())
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }

    @Test
    void metricsCountLeaseRequestsPerVerb(ApiServerHandle server) throws ApiException {
        CoordinationV1Api api = new CoordinationV1Api(server.restrictedClient());
        String name = server.uniqueName("harness-metrics");
        Map<String, Long> before = server.metrics();

        api.createNamespacedLease(server.namespace(), lease(name, "a")).execute();
        api.readNamespacedLease(name, server.namespace()).execute();
        api.readNamespacedLease(name, server.namespace()).execute();

        // Counted just after the response is written, and nothing else touches leases: exact.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            Map<String, Long> after = server.metrics();
            assertThat(delta(before, after, "POST")).isEqualTo(1);
            assertThat(delta(before, after, "GET")).isEqualTo(2);
            assertThat(delta(before, after, "PUT")).isZero();
        });
    }

    @Test
    void proxyCutsOffOneClientOnly(ApiServerHandle server) throws ApiException {
        String name = server.uniqueName("harness-proxy");
        new CoordinationV1Api(server.restrictedClient()).createNamespacedLease(server.namespace(), lease(name, "a")).execute();
        TcpProxy proxy = server.newProxy();
        CoordinationV1Api viaProxy = new CoordinationV1Api(server.restrictedClientThrough(proxy));
        CoordinationV1Api direct = new CoordinationV1Api(server.restrictedClient());
        assertThat(viaProxy.readNamespacedLease(name, server.namespace()).execute().getSpec().getHolderIdentity()).isEqualTo("a");

        proxy.cutOff();
        assertThatThrownBy(() -> viaProxy.readNamespacedLease(name, server.namespace()).execute())
                .isInstanceOf(ApiException.class);
        assertThat(direct.readNamespacedLease(name, server.namespace()).execute()).isNotNull();

        proxy.resume();
        assertThat(viaProxy.readNamespacedLease(name, server.namespace()).execute()).isNotNull();
    }

    @Test
    void proxyStallLeavesTheClientToItsTimeouts(ApiServerHandle server) throws ApiException {
        String name = server.uniqueName("harness-stall");
        new CoordinationV1Api(server.restrictedClient()).createNamespacedLease(server.namespace(), lease(name, "a")).execute();
        TcpProxy proxy = server.newProxy();
        ApiClient client = server.restrictedClientThrough(proxy);
        client.setReadTimeout(500);
        CoordinationV1Api viaProxy = new CoordinationV1Api(client);
        assertThat(viaProxy.readNamespacedLease(name, server.namespace()).execute()).isNotNull();

        proxy.stall();
        assertThatThrownBy(() -> viaProxy.readNamespacedLease(name, server.namespace()).execute())
                .isInstanceOf(ApiException.class)
                .hasRootCauseInstanceOf(java.net.SocketTimeoutException.class);

        proxy.resume();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(
                () -> viaProxy.readNamespacedLease(name, server.namespace()).execute() != null);
    }

    @Test
    void stateSurvivesApiServerAndEtcdRestarts(ApiServerHandle server) throws ApiException {
        CoordinationV1Api api = new CoordinationV1Api(server.restrictedClient());
        String name = server.uniqueName("harness-restart");
        api.createNamespacedLease(server.namespace(), lease(name, "a")).execute();

        server.stopApiServer();
        assertThatThrownBy(() -> api.readNamespacedLease(name, server.namespace()).execute())
                .isInstanceOf(ApiException.class);
        server.startApiServer();
        assertThat(api.readNamespacedLease(name, server.namespace()).execute().getSpec().getHolderIdentity()).isEqualTo("a");

        server.stopEtcd();
        server.startEtcd();
        assertThat(api.readNamespacedLease(name, server.namespace()).execute().getSpec().getHolderIdentity()).isEqualTo("a");
    }

    @Test
    void restrictedKubeconfigWorksForOtherProcesses(ApiServerHandle server, @TempDir Path dir) throws Exception {
        Path file = server.writeRestrictedKubeconfig(dir.resolve("kubeconfig"));
        ApiClient client;
        try (Reader reader = Files.newBufferedReader(file)) {
            client = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(reader)).build();
        }
        String name = server.uniqueName("harness-kubeconfig");

        V1Lease created = new CoordinationV1Api(client).createNamespacedLease(server.namespace(), lease(name, "a")).execute();

        assertThat(created.getMetadata().getName()).isEqualTo(name);
    }

    private static void assertWatchSeesUpdate(ApiServerHandle server) throws Exception {
        ApiClient client = server.restrictedClient();
        CoordinationV1Api api = new CoordinationV1Api(client);
        String name = server.uniqueName("harness-watch");
        V1Lease created = api.createNamespacedLease(server.namespace(), lease(name, "a")).execute();

        Call call = api.listNamespacedLease(server.namespace())
                .fieldSelector("metadata.name=" + name)
                .resourceVersion(created.getMetadata().getResourceVersion())
                .timeoutSeconds(10) // the server ends the watch if the event never comes
                .watch(true)
                .buildCall(null);
        try (Watch<V1Lease> watch = Watch.createWatch(client, call, new TypeToken<Watch.Response<V1Lease>>() { }.getType())) {
            created.getSpec().holderIdentity("b");
            api.replaceNamespacedLease(name, server.namespace(), created).execute();

            assertThat(watch.hasNext()).isTrue();
            Watch.Response<V1Lease> event = watch.next();
            assertThat(event.type).isEqualTo("MODIFIED");
            assertThat(event.object.getMetadata().getName()).isEqualTo(name);
            assertThat(event.object.getSpec().getHolderIdentity()).isEqualTo("b");
        }
    }

    private static V1Lease lease(String name, String holder) {
        return new V1Lease()
                .metadata(new V1ObjectMeta().name(name))
                .spec(new V1LeaseSpec()
                        .holderIdentity(holder)
                        .leaseDurationSeconds(15)
                        .acquireTime(RENEW_TIME)
                        .renewTime(RENEW_TIME)
                        .leaseTransitions(0));
    }

    private static long delta(Map<String, Long> before, Map<String, Long> after, String verb) {
        return after.getOrDefault(verb, 0L) - before.getOrDefault(verb, 0L);
    }
}
