package io.github.leaderelection.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.leaderelection.core.InMemoryLeaseStore.Operation;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The table "Known bugs elsewhere" of election-semantics.md, one test per row, each written
 * as the situation in which the other elector failed.
 */
class KnownBugsTest extends FakeWorldTestBase {

  @Test
  void nodeLibraries_followersGaveUpAfterThreeTries_rules7_8_12() {
    for (int i = 0; i < 10; i++) {
      store.failNext(Operation.UPDATE, ioError());
    }
    store.forceWrite(new LeaseRecord("gone", 15, null, null, 0));
    Candidate b = candidate("b").start();
    world.advance(Duration.ofSeconds(120)); // expired long ago; ten writes failed on the way, backing off
    assertThat(b.isLeader()).isTrue();
  }

  @Test
  void nodeLibraries_renewalReArmedOnlyByTheWatchEchoOfItsOwnWrite_rule9() {
    Candidate a = startedLeader("a");
    store.stallWatches(); // no echo ever arrives
    world.advance(Duration.ofSeconds(60));
    assertThat(a.isLeader()).isTrue();
    assertThat(a.renewalsSentAt).hasSizeGreaterThan(25);
  }

  @Test
  void nodeAndFabric8_expiryJudgedByLocalClockAgainstRemoteRenewTime_rule1() {
    // The holder's clock is 10 minutes behind ours: its renewTime always looks stale.
    Candidate a = candidate("a", Duration.ofMinutes(-10)).start();
    world.runDue();
    Candidate b = candidate("b").start();
    world.advance(Duration.ofMinutes(3));
    assertThat(a.isLeader()).isTrue();
    assertThat(b.heard).isEmpty();
  }

  @Test
  void nodeAndFabric8_leadershipClaimedWithoutASuccessfulWrite_rule2() {
    store.forceWrite(new LeaseRecord("", 1, null, null, 5));
    store.failNext(Operation.UPDATE, new LeaseStoreException("HTTP 500 (injected)", 500, null));
    Candidate b = candidate("b").start();
    world.runDue();
    assertThat(b.isLeader()).isFalse();
    assertThat(b.heard).isEmpty();
  }

  @Test
  void nodeLibraries_noRenewDeadlineOldLeaderActsAfterLongPause_rule3() {
    Candidate a = startedLeader("a");
    a.thread.freeze();
    world.jump(Duration.ofSeconds(30));
    assertThat(a.isLeader()).isFalse();
  }

  @Test
  void nodeLibraries_conflictOnRenewDroppedLeadership_rule10() {
    Candidate a = startedLeader("a");
    store.failNext(Operation.UPDATE, new LeaseStoreException.Conflict("injected 409", null));
    world.advance(Duration.ofSeconds(10));
    assertThat(a.heard).containsExactly("elected");
    assertThat(a.isLeader()).isTrue();
  }

  @Test
  void nodeLibraries_identityFixedToHostnameOrUndefined_rule20() {
    Map<String, String> env = Map.of("HOSTNAME", "pod-1");
    String one = ElectionConfig.builder("jobs").namespace("default").environment(env).build().identity();
    String two = ElectionConfig.builder("jobs").namespace("default").environment(env).build().identity();
    assertThat(one).isNotEqualTo("pod-1").isNotEqualTo(two);
    assertThat(ElectionConfig.builder("jobs").namespace("default").environment(Map.of()).build().identity())
        .doesNotContain("undefined").doesNotStartWith("null");
  }

  @Test
  void nodeLibraries_duplicateElectedEventsAndNoLostOnShutdown_rule13() {
    Candidate a = startedLeader("a");
    for (int i = 0; i < 5; i++) {
      store.setOtherField("label:n", Integer.toString(i)); // conflicts and re-reads, no new term
      world.advance(RP);
    }
    a.elector.closeAsync();
    world.runDue();
    assertThat(a.heard).containsExactly("elected", "lost");
    assertThat(a.losses).containsExactly(LossReason.SHUTDOWN);
  }

  @Test
  void nodeFabric8ClientJava_leaseWithNullSpecOrFieldsCrashedTheElector_rule16() {
    store.forceWrite(LeaseRecord.EMPTY);
    Candidate a = startedLeader("a");
    store.forceWrite(new LeaseRecord("a", null, null, null, null));
    world.advance(RP.plus(RP));
    assertThat(a.isLeader()).isTrue();
    assertThat(store.peek().leaseDurationSeconds()).isEqualTo(15);
  }

  @Test
  void nodeLibraries_listenerExceptionReachedTheLoop_rule14() {
    Candidate a = candidate("a");
    a.elector.addListener(new LeadershipListener() {
      @Override
      public void onNewLeader(String identity) {
        throw new IllegalStateException("bug in user code");
      }
    });
    a.start();
    world.advance(Duration.ofSeconds(30));
    assertThat(a.isLeader()).isTrue();
    assertThat(a.renewalsSentAt).hasSizeGreaterThan(10);
  }

  @Test
  void nodeLibraries_fractionalLeaseDurationSentToTheServer_rule4() {
    assertThatThrownBy(() -> Candidate.config("jobs", "a").leaseDuration(Duration.ofMillis(2500))
        .renewDeadline(Duration.ofSeconds(2)).retryPeriod(Duration.ofMillis(500)).build())
        .isInstanceOf(InvalidElectionConfigException.class)
        .hasMessageContaining("whole number of seconds");
  }

  @Test
  void clientJava_emptyHolderTreatedAsHeldSoFullWaitAfterClientGoRelease_rules8_16() {
    store.forceWrite(new LeaseRecord("", 1, Instant.now(), Instant.now(), 3));
    Candidate b = candidate("b").start();
    world.runDue();
    assertThat(b.isLeader()).isTrue();
  }

  @Test
  void clientJava_zWrittenWithoutConvertingToUtc_rule18() {
    Instant t = Instant.parse("2026-11-21T10:15:30.5Z");
    assertThat(KubernetesLeaseStore.utc(t).getOffset().getTotalSeconds()).isZero();
    assertThat(KubernetesLeaseStore.utc(t).toInstant()).isEqualTo(t);
  }

  @Test
  void clientGo_releaseCheckedAStaleRecordAndClearedAnotherHolder_rule5() {
    Candidate a = startedLeader("a");
    a.thread.freeze();
    world.jump(Duration.ofSeconds(16));
    // While a was paused, b took the lease; a's own last read still names a.
    store.forceWrite(new LeaseRecord("b", 15, null, null, 1));
    a.thread.thaw();
    a.elector.closeAsync();
    world.runDue();
    assertThat(store.peek().holder()).isEqualTo("b");
  }

  @Test
  void clientGoAndClientJava_renewReplacedTheWholeSpec_rule17() {
    Candidate a = startedLeader("a");
    store.setOtherField("spec.preferredHolder", "a");
    store.setOtherField("annotation:note", "keep me");
    world.advance(Duration.ofSeconds(10));
    assertThat(store.otherField("spec.preferredHolder")).isEqualTo("a");
    assertThat(store.otherField("annotation:note")).isEqualTo("keep me");
    assertThat(a.isLeader()).isTrue();
  }

  @Test
  void clientGoUsers_httpTimeoutLongerThanRenewDeadline_rule4() {
    assertThatThrownBy(() -> Candidate.config("jobs", "a").requestTimeout(Duration.ofSeconds(30)).build())
        .hasMessageStartingWith("requestTimeout=30s is invalid");
  }

  @Test
  void springCloudKubernetes_namespaceDefaultAndFixedLockName_rule21() {
    // The lease name is always the caller's; the namespace is the pod's own when known.
    ElectionConfig c = ElectionConfig.builder("orders-cleanup").identity("a")
        .environment(Map.of("POD_NAMESPACE", "orders")).namespaceFile(null).build();
    assertThat(c.namespace()).isEqualTo("orders");
    assertThat(c.leaseName()).isEqualTo("orders-cleanup");
  }
}
