package io.github.leaderelection.core.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.leaderelection.core.LossReason;
import io.github.leaderelection.testsupport.ApiServerHandle;
import io.github.leaderelection.testsupport.RealApiServer;
import io.github.leaderelection.testsupport.TcpProxy;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The elector against a real kube-apiserver + etcd: contention, handover, cut-off leaders,
 * hand-edited and deleted leases, other clients' lease formats. Candidates use the restricted
 * user (get/list/watch/create/update on leases only). Timings: 4 s / 3 s / 1 s unless said.
 */
@RealApiServer
class LeaderElectorIT {

  private final ApiServerHandle server;
  private CoordinationV1Api admin;
  private String lease;
  private Election election;

  LeaderElectorIT(ApiServerHandle server) {
    this.server = server;
  }

  @BeforeEach
  void setUp() {
    admin = new CoordinationV1Api(server.adminClient());
    lease = server.uniqueName("lease");
    election = new Election(server.namespace(), lease);
  }

  @AfterEach
  void tearDown() {
    election.close();
  }

  @Test
  void twentyCandidatesContend_oneLeaderAtEveryMoment_transitionsGrowByOnePerHolderChange() throws Exception {
    AtomicInteger overlaps = new AtomicInteger();
    AtomicBoolean sampling = new AtomicBoolean(true);
    Thread sampler = new Thread(() -> {
      while (sampling.get()) {
        if (election.actingLeaders() > 1) {
          overlaps.incrementAndGet();
        }
        Thread.onSpinWait();
      }
    });
    for (int i = 0; i < 20; i++) {
      election.start("c" + i, server.restrictedClient());
    }
    sampler.start();
    List<String> holders = new ArrayList<>();
    Set<String> closedIds = new HashSet<>();
    for (int round = 0; round < 6; round++) {
      Election.Member leader = await().atMost(Duration.ofSeconds(30))
          .until(() -> election.leader().orElse(null), m -> m != null && !closedIds.contains(m.id()));
      holders.add(leader.id());
      closedIds.add(leader.id());
      leader.elector().close(); // graceful: released, the next one takes over on the watch event
      election.start("late" + round, server.restrictedClient()); // keep twenty
    }
    Election.Member last = await().atMost(Duration.ofSeconds(30))
        .until(() -> election.leader().orElse(null), m -> m != null && !closedIds.contains(m.id()));
    holders.add(last.id());
    sampling.set(false);
    sampler.join();

    assertThat(overlaps.get()).as("samples with two acting leaders").isZero();
    election.assertNoOverlappingTerms();
    election.assertEventsAlternate();
    V1Lease now = admin.readNamespacedLease(lease, server.namespace()).execute();
    assertThat(now.getSpec().getHolderIdentity()).isEqualTo(last.id());
    // Created with 0 by the first holder, then +1 for each of the six changes of holder.
    assertThat(now.getSpec().getLeaseTransitions()).isEqualTo(holders.size() - 1);
  }

  @Test
  void gracefulHandover_anotherLeadsWithoutWaitingForTheLeaseDuration() {
    Election defaults = new Election(server.namespace(), server.uniqueName("handover"),
        Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
    try (defaults) {
      Election.Member a = defaults.start("a", server.restrictedClient());
      await().atMost(Duration.ofSeconds(20)).until(() -> a.elector().isLeader());
      Election.Member b = defaults.start("b", server.restrictedClient());
      await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> b.elector().currentHolder().isPresent());
      long start = System.nanoTime();
      a.elector().close();
      await().atMost(Duration.ofSeconds(15)).until(() -> b.elector().isLeader());
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      // Lease duration is 15 s; the release is seen on the watch. Bound kept generous.
      assertThat(took).isLessThan(Duration.ofSeconds(5));
      defaults.assertNoOverlappingTerms();
    }
  }

  @Test
  void leaderCutOffWithoutRelease_anotherLeadsAfterLeaseDurationAndNotBefore() {
    TcpProxy proxy = server.newProxy();
    Election.Member a = election.start("a", server.restrictedClientThrough(proxy));
    await().atMost(Duration.ofSeconds(20)).until(() -> a.elector().isLeader());
    Election.Member b = election.start("b", server.restrictedClient());
    await().atMost(Duration.ofSeconds(5)).until(() -> b.elector().currentHolder().isPresent());

    proxy.cutOff(); // a's connections drop and new ones are refused
    await().atMost(Duration.ofSeconds(20)).until(() -> b.elector().isLeader());
    long aLastRenewal = a.recorder().lastRenewSent();
    long bAck = b.recorder().currentAck();
    assertThat(bAck - aLastRenewal).as("takeover after a's last renewal (ns)")
        .isGreaterThanOrEqualTo(Election.LD.toNanos())
        .isLessThan(Election.LD.plus(Election.RP).plus(Duration.ofSeconds(3)).toNanos());
    await().atMost(Duration.ofSeconds(10)).until(() -> !a.recorder().losses().isEmpty());
    assertThat(a.recorder().losses()).containsExactly(LossReason.RENEW_FAILED);
    election.assertNoOverlappingTerms();
  }

  @Test
  void leaseDeletedWhileHeld_theLeaderRecreatesItAndKeepsItsTerm() throws Exception {
    Election.Member a = election.start("a", server.restrictedClient());
    await().atMost(Duration.ofSeconds(20)).until(() -> a.elector().isLeader());
    Election.Member b = election.start("b", server.restrictedClient());
    await().atMost(Duration.ofSeconds(5)).until(() -> b.elector().currentHolder().isPresent());
    long token = a.elector().fencingToken().getAsLong();

    admin.deleteNamespacedLease(lease, server.namespace()).execute();
    await().atMost(Duration.ofSeconds(10)).until(() -> holder().equals("a"));
    // Nothing may change for longer than a lease duration: a keeps leading throughout.
    await().during(Election.LD.plusSeconds(1)).atMost(Election.LD.plusSeconds(15)).until(() -> a.elector().isLeader());
    assertThat(a.elector().fencingToken().getAsLong()).isEqualTo(token);
    assertThat(a.recorder().events()).containsExactly("elected");
    assertThat(b.recorder().events()).isEmpty();
    election.assertNoOverlappingTerms();
  }

  @Test
  void leaseHandEditedToAForeignHolder_theLeaderStepsDownAndFollowersWaitOutTheClaim() throws Exception {
    Election.Member a = election.start("a", server.restrictedClient());
    await().atMost(Duration.ofSeconds(20)).until(() -> a.elector().isLeader());
    Election.Member b = election.start("b", server.restrictedClient());
    await().atMost(Duration.ofSeconds(5)).until(() -> b.elector().currentHolder().isPresent());

    edit(spec -> spec.holderIdentity("intruder").leaseTransitions(spec.getLeaseTransitions() + 1));
    long edited = System.nanoTime();
    await().atMost(Duration.ofSeconds(3)).until(() -> !a.elector().isLeader());
    await().atMost(Duration.ofSeconds(3)).until(() -> a.recorder().losses().contains(LossReason.LEASE_TAKEN));
    // "intruder" never renews: its claim lapses LD after the followers saw it.
    await().atMost(Duration.ofSeconds(15)).until(() -> election.leader().isPresent());
    long ack = election.leader().orElseThrow().recorder().currentAck();
    assertThat(ack - edited).isGreaterThanOrEqualTo(Election.LD.minusMillis(200).toNanos());
    election.assertNoOverlappingTerms();
  }

  @Test
  void leaseHandEditedTo3600Seconds_aForeignClaimIsHonouredAndOurOwnIsWrittenBack() throws Exception {
    Election.Member a = election.start("a", server.restrictedClient());
    await().atMost(Duration.ofSeconds(20)).until(() -> a.elector().isLeader());
    edit(spec -> spec.leaseDurationSeconds(3600)); // still names a
    await().atMost(Duration.ofSeconds(5)).until(() -> spec().getLeaseDurationSeconds() == 4);
    assertThat(a.recorder().events()).containsExactly("elected");

    a.elector().close();
    edit(spec -> spec.holderIdentity("hand-edit").leaseDurationSeconds(3600));
    Election.Member b = election.start("b", server.restrictedClient());
    await().during(Election.LD.multipliedBy(2)).atMost(Election.LD.multipliedBy(2).plusSeconds(15))
        .until(() -> !b.elector().isLeader());
    assertThat(b.elector().currentHolder()).contains("hand-edit");
  }

  @Test
  void clientGoReleaseFormat_isTakenOverPromptly() throws Exception {
    createForeign(new V1LeaseSpec().holderIdentity("go-component").leaseDurationSeconds(3600)
        .acquireTime(OffsetDateTime.now(ZoneOffset.UTC)).renewTime(OffsetDateTime.now(ZoneOffset.UTC))
        .leaseTransitions(7));
    Election.Member b = election.start("b", server.restrictedClient());
    await().atMost(Duration.ofSeconds(5)).until(() -> b.elector().currentHolder().isPresent());
    assertThat(b.elector().isLeader()).isFalse();
    long foreignVersion = Long.parseLong(admin.readNamespacedLease(lease, server.namespace()).execute()
        .getMetadata().getResourceVersion());
    edit(spec -> spec.holderIdentity("").leaseDurationSeconds(1)); // client-go's release
    long released = System.nanoTime();
    await().atMost(Duration.ofSeconds(10)).until(() -> b.elector().isLeader());
    assertThat(Duration.ofNanos(b.recorder().currentAck() - released)).isLessThan(Duration.ofSeconds(2));
    assertThat(spec().getLeaseTransitions()).isEqualTo(8);
    // Rule 6: the token is the acquiring write's resourceVersion, above the foreign record's.
    assertThat(b.elector().fencingToken().getAsLong()).isGreaterThan(foreignVersion);
  }

  @Test
  void clientJavaReleaseFormat_nullHolderAndNullTimes_isTakenOverPromptly() throws Exception {
    createForeign(new V1LeaseSpec().holderIdentity("java-component").leaseDurationSeconds(3600));
    Election.Member b = election.start("b", server.restrictedClient());
    await().atMost(Duration.ofSeconds(5)).until(() -> b.elector().currentHolder().isPresent());
    edit(spec -> spec.holderIdentity(null).acquireTime(null).renewTime(null).leaseTransitions(null));
    long released = System.nanoTime();
    await().atMost(Duration.ofSeconds(10)).until(() -> b.elector().isLeader());
    assertThat(Duration.ofNanos(b.recorder().currentAck() - released)).isLessThan(Duration.ofSeconds(2));
    assertThat(spec().getLeaseTransitions()).isEqualTo(1);
  }

  @Test
  void fieldsTheElectorDoesNotOwnSurviveItsWrites() throws Exception {
    V1Lease foreign = new V1Lease()
        .metadata(new V1ObjectMeta().name(lease).namespace(server.namespace())
            .putLabelsItem("app", "orders").putAnnotationsItem("team", "payments"))
        .spec(new V1LeaseSpec().holderIdentity("").leaseDurationSeconds(1));
    admin.createNamespacedLease(server.namespace(), foreign).execute();
    Election.Member a = election.start("a", server.restrictedClient());
    await().atMost(Duration.ofSeconds(20)).until(() -> a.elector().isLeader());
    java.time.OffsetDateTime firstRenewal = spec().getRenewTime();
    await().atMost(Duration.ofSeconds(20)).until(() -> !spec().getRenewTime().equals(firstRenewal)); // a renewal
    a.elector().close(); // and a release
    V1Lease after = admin.readNamespacedLease(lease, server.namespace()).execute();
    assertThat(after.getMetadata().getLabels()).containsEntry("app", "orders");
    assertThat(after.getMetadata().getAnnotations()).containsEntry("team", "payments");
    assertThat(after.getSpec().getHolderIdentity()).isEmpty();
    assertThat(after.getSpec().getLeaseTransitions()).isEqualTo(1);
  }

  @Test
  void aCandidateThatLostKeepsCompeting() {
    TcpProxy proxy = server.newProxy();
    Election.Member a = election.start("a", server.restrictedClientThrough(proxy));
    await().atMost(Duration.ofSeconds(20)).until(() -> a.elector().isLeader());
    Election.Member b = election.start("b", server.restrictedClient());
    await().atMost(Duration.ofSeconds(5)).until(() -> b.elector().currentHolder().isPresent());
    proxy.cutOff();
    await().atMost(Duration.ofSeconds(20)).until(() -> b.elector().isLeader());
    proxy.resume();
    b.elector().close();
    await().atMost(Duration.ofSeconds(20)).until(() -> a.elector().isLeader());
    assertThat(a.recorder().events()).containsExactly("elected", "lost", "elected");
    election.assertNoOverlappingTerms();
  }

  // --- helpers ------------------------------------------------------------------------------------

  private V1LeaseSpec spec() throws ApiException {
    return admin.readNamespacedLease(lease, server.namespace()).execute().getSpec();
  }

  private String holder() {
    try {
      V1LeaseSpec spec = spec();
      return spec == null || spec.getHolderIdentity() == null ? "" : spec.getHolderIdentity();
    } catch (ApiException e) {
      return "";
    }
  }

  private void createForeign(V1LeaseSpec spec) throws ApiException {
    admin.createNamespacedLease(server.namespace(),
        new V1Lease().metadata(new V1ObjectMeta().name(lease).namespace(server.namespace())).spec(spec)).execute();
  }

  /** A hand edit: read, change the spec, replace; retried when the elector wrote in between. */
  private void edit(Consumer<V1LeaseSpec> change) throws Exception {
    for (int attempt = 0; ; attempt++) {
      V1Lease current = admin.readNamespacedLease(lease, server.namespace()).execute();
      change.accept(current.getSpec());
      try {
        admin.replaceNamespacedLease(lease, server.namespace(), current).execute();
        return;
      } catch (ApiException e) {
        if (e.getCode() != 409 || attempt > 10) {
          throw e;
        }
      }
    }
  }
}
