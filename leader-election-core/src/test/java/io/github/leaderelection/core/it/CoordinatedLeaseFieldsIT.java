package io.github.leaderelection.core.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.leaderelection.testsupport.ApiServerHandle;
import io.github.leaderelection.testsupport.RealApiServer;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.time.Duration;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

/**
 * The Lease fields of coordinated leader election, {@code spec.strategy} and
 * {@code spec.preferredHolder}, survive the elector's writes (acquire, renew, release), on
 * every supported version.
 *
 * <p>They exist only where the CoordinatedLeaderElection gate is on (beta, off by default from
 * 1.33 through at least 1.37: without it the server drops them on create), so this class gets a
 * server of its own with the gate, and the LeaseCandidate API the gate's controller watches. The
 * elector does not know these fields: it must keep them because it keeps every field it does
 * not own (rule 17), and it reads Leases as JSON, so a server that knows fields the client
 * library does not cannot break it (rule 25).
 */
@RealApiServer(featureGates = "CoordinatedLeaderElection=true", runtimeConfig = "coordination.k8s.io/v1beta1=true")
class CoordinatedLeaseFieldsIT {

    private static final String STRATEGY = "OldestEmulationVersion";

    @Test
    void strategyAndPreferredHolderSurviveAcquireRenewAndRelease(ApiServerHandle server) throws Exception {
        CoordinationV1Api admin = new CoordinationV1Api(server.adminClient());
        String name = server.uniqueName("coordinated");
        // Free (released) but carrying the coordination fields, as a Lease of a component that
        // took part in coordinated election before.
        admin.createNamespacedLease(server.namespace(), new V1Lease()
                .metadata(new V1ObjectMeta().name(name))
                .spec(new V1LeaseSpec().holderIdentity("").leaseDurationSeconds(1)
                        .strategy(STRATEGY).preferredHolder("a"))).execute();
        V1LeaseSpec stored = admin.readNamespacedLease(name, server.namespace()).execute().getSpec();
        assertThat(stored.getStrategy()).as("the server keeps the fields: the gate is on").isEqualTo(STRATEGY);

        try (Election election = new Election(server.namespace(), name)) {
            Election.Member a = election.start("a", server.restrictedClient());
            await().atMost(Duration.ofSeconds(20)).until(() -> a.elector().isLeader());
            assertFieldsKept(admin, server, name);
            OffsetDateTime acquired = spec(admin, server, name).getRenewTime();
            await().atMost(Duration.ofSeconds(20)).until(() -> !spec(admin, server, name).getRenewTime().equals(acquired));
            assertFieldsKept(admin, server, name);
            a.elector().close();
        }

        V1LeaseSpec released = spec(admin, server, name);
        assertThat(released.getHolderIdentity()).isEmpty();
        assertThat(released.getStrategy()).isEqualTo(STRATEGY);
        assertThat(released.getPreferredHolder()).isEqualTo("a");
    }

    private static void assertFieldsKept(CoordinationV1Api admin, ApiServerHandle server, String name) throws Exception {
        V1LeaseSpec spec = spec(admin, server, name);
        assertThat(spec.getHolderIdentity()).isEqualTo("a");
        assertThat(spec.getStrategy()).isEqualTo(STRATEGY);
        assertThat(spec.getPreferredHolder()).isEqualTo("a");
    }

    private static V1LeaseSpec spec(CoordinationV1Api admin, ApiServerHandle server, String name) throws Exception {
        return admin.readNamespacedLease(name, server.namespace()).execute().getSpec();
    }
}
