package io.github.leaderelection.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.reflect.TypeToken;
import io.github.leaderelection.testsupport.ApiServerHandle;
import io.github.leaderelection.testsupport.RealApiServer;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.util.Watch;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Call;
import org.junit.jupiter.api.Test;

/**
 * What the elector relies on that is the API server's to keep, and that could change between
 * Kubernetes versions: .ci/run runs this on the oldest, the default and the newest supported
 * version (verification/apiserver/versions).
 *
 * <ul>
 *   <li>Watch bookmarks arrive on a {@code fieldSelector=metadata.name} watch with
 *       {@code allowWatchBookmarks}, carrying a resourceVersion a new watch resumes from (the
 *       lease feed resumes so, and counts bookmarks as signs of life).</li>
 *   <li>resourceVersions of Leases are decimal integers that grow with every write, across
 *       Lease objects and across a delete and a recreate, and watch events come in that order
 *       (older events are ignored by comparing them; the fencing token is the acquiring write's
 *       resourceVersion and must never go back).</li>
 * </ul>
 * Watches are made the way KubernetesLeaseStore makes them: as the restricted user, events read
 * as plain JSON.
 */
@RealApiServer
class ServerContractIT {

    private static final Type EVENT = new TypeToken<Watch.Response<JsonObject>>() { }.getType();

    @Test
    void theServerReportsTheVersionThisRunIsFor(ApiServerHandle server) {
        assertThat(server.serverVersion()).startsWith(RealApiServerHarnessIT.expectedVersion());
    }

    @Test
    void bookmarksArriveOnANameWatchAndANewWatchResumesFromTheirVersion(ApiServerHandle server) throws Exception {
        ApiClient client = server.restrictedClient();
        CoordinationV1Api api = new CoordinationV1Api(client);
        String name = server.uniqueName("contract-bookmark");
        V1Lease created = api.createNamespacedLease(server.namespace(), lease(name, "a")).execute();
        long createdVersion = version(created);

        // Another Lease changes while the watch runs, as the many Leases of a real cluster do
        // all the time. A bookmark carries the Leases' newest resourceVersion and is sent only
        // when that moved past what the watch had reached when it opened (filtered-out events
        // included): on a server where nothing else changes there is none (seen on 1.36.3). So
        // the lease feed must not need bookmarks to stay alive; the holder's renewals are what
        // it hears on a quiet cluster.
        String other = server.uniqueName("contract-other");
        CoordinationV1Api admin = new CoordinationV1Api(server.adminClient());
        admin.createNamespacedLease(server.namespace(), lease(other, "x")).execute();
        List<Long> otherVersions = new CopyOnWriteArrayList<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread busyCluster = new Thread(() -> {
            for (int i = 0; watching.get() && i < 40; i++) {
                try {
                    Thread.sleep(250);
                    otherVersions.add(version(update(admin, server, other, "x" + i)));
                } catch (Exception e) {
                    return;
                }
            }
        }, "busy-cluster");
        busyCluster.start();
        List<Watch.Response<JsonObject>> events;
        try {
            // The server sends a bookmark about 2 s before a watch's timeout (and every minute):
            // a 5 s watch must end with one, filtered by name or not.
            events = watch(client, server, name, created.getMetadata().getResourceVersion(), 5);
        } finally {
            watching.set(false);
            busyCluster.join(5_000);
        }
        List<Watch.Response<JsonObject>> bookmarks = events.stream().filter(e -> "BOOKMARK".equals(e.type)).toList();
        assertThat(bookmarks).as("events of a 5 s watch: %s", types(events)).isNotEmpty();
        assertThat(types(events)).as("the other Lease's events are filtered out").containsOnly("BOOKMARK");
        String bookmarkVersion = resourceVersion(bookmarks.get(bookmarks.size() - 1).object);
        assertThat(Long.parseLong(bookmarkVersion)).isGreaterThan(createdVersion)
                .isLessThanOrEqualTo(otherVersions.get(otherVersions.size() - 1));

        // Resuming from the bookmark: no 410, and the change made since arrives.
        V1Lease fresh = api.readNamespacedLease(name, server.namespace()).execute();
        fresh.getSpec().holderIdentity("b");
        String changed = api.replaceNamespacedLease(name, server.namespace(), fresh).execute()
                .getMetadata().getResourceVersion();
        List<Watch.Response<JsonObject>> resumed = watch(client, server, name, bookmarkVersion, 3);
        assertThat(types(resumed)).doesNotContain("ERROR");
        assertThat(resumed).filteredOn(e -> "MODIFIED".equals(e.type))
                .extracting(e -> resourceVersion(e.object)).containsExactly(changed);
    }

    @Test
    void resourceVersionsAreIntegersThatGrowWithEveryWriteAcrossLeasesAndRecreation(ApiServerHandle server)
            throws ApiException {
        CoordinationV1Api api = new CoordinationV1Api(server.restrictedClient());
        CoordinationV1Api admin = new CoordinationV1Api(server.adminClient());
        String a = server.uniqueName("contract-rv-a");
        String b = server.uniqueName("contract-rv-b");
        List<Long> versions = new ArrayList<>();

        versions.add(version(api.createNamespacedLease(server.namespace(), lease(a, "x")).execute()));
        versions.add(version(api.createNamespacedLease(server.namespace(), lease(b, "x")).execute()));
        for (int i = 0; i < 3; i++) {
            versions.add(version(update(api, server, a, "a" + i)));
            versions.add(version(update(api, server, b, "b" + i)));
        }
        admin.deleteNamespacedLease(a, server.namespace()).execute();
        versions.add(version(api.createNamespacedLease(server.namespace(), lease(a, "again")).execute()));
        versions.add(version(update(api, server, a, "after-recreate")));

        assertThat(versions).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void watchEventsComeInResourceVersionOrderAndMatchTheWrites(ApiServerHandle server) throws Exception {
        ApiClient client = server.restrictedClient();
        CoordinationV1Api api = new CoordinationV1Api(client);
        String name = server.uniqueName("contract-order");
        V1Lease created = api.createNamespacedLease(server.namespace(), lease(name, "a")).execute();
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            written.add(update(api, server, name, "h" + i).getMetadata().getResourceVersion());
        }

        // From the creation's version: exactly the five updates, in order, then a bookmark.
        List<String> seen = watch(client, server, name, created.getMetadata().getResourceVersion(), 3).stream()
                .filter(e -> "MODIFIED".equals(e.type))
                .map(e -> resourceVersion(e.object))
                .toList();

        assertThat(seen).containsExactlyElementsOf(written);
        assertThat(seen.stream().map(Long::parseLong).toList()).isSorted();
    }

    // --- helpers ------------------------------------------------------------------------------------

    /** All events of one watch, read until the server ends it after {@code seconds}. */
    private static List<Watch.Response<JsonObject>> watch(ApiClient client, ApiServerHandle server, String name,
            String fromVersion, int seconds) throws Exception {
        Call call = new CoordinationV1Api(client).listNamespacedLease(server.namespace())
                .fieldSelector("metadata.name=" + name)
                .resourceVersion(fromVersion)
                .allowWatchBookmarks(true)
                .timeoutSeconds(seconds)
                .watch(true)
                .buildCall(null);
        List<Watch.Response<JsonObject>> events = new ArrayList<>();
        try (Watch<JsonObject> watch = Watch.createWatch(client, call, EVENT)) {
            for (Watch.Response<JsonObject> event : watch) {
                events.add(event);
            }
        }
        return events;
    }

    private static V1Lease update(CoordinationV1Api api, ApiServerHandle server, String name, String holder)
            throws ApiException {
        V1Lease current = api.readNamespacedLease(name, server.namespace()).execute();
        current.getSpec().holderIdentity(holder);
        return api.replaceNamespacedLease(name, server.namespace(), current).execute();
    }

    private static List<String> types(List<Watch.Response<JsonObject>> events) {
        return events.stream().map(e -> e.type).toList();
    }

    private static String resourceVersion(JsonObject object) {
        return object.getAsJsonObject("metadata").get("resourceVersion").getAsString();
    }

    private static long version(V1Lease lease) {
        return Long.parseLong(lease.getMetadata().getResourceVersion());
    }

    private static V1Lease lease(String name, String holder) {
        return new V1Lease().metadata(new V1ObjectMeta().name(name))
                .spec(new V1LeaseSpec().holderIdentity(holder).leaseDurationSeconds(15));
    }
}
