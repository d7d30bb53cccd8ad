package io.github.leaderelection.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.leaderelection.core.InMemoryLeaseStore.Operation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * One or more tests per rule of election-semantics.md, in a deterministic world: a fake
 * monotonic clock, an in-memory lease store with the API server's semantics, and an invariant
 * checked after every step: never two acting leaders.
 */
class ElectionRulesTest extends FakeWorldTestBase {

  // --- Rule 1: expiry only from the local observation, never from remote timestamps ---------------

  @Test
  void rule1_clockOffsetBetweenCandidatesDoesNotMatter() {
    Candidate a = startedLeader("a");
    Candidate ahead = candidate("ahead", Duration.ofHours(3)).start();
    Candidate behind = candidate("behind", Duration.ofHours(-3)).start();
    world.advance(Duration.ofMinutes(5));
    assertThat(a.isLeader()).isTrue();
    assertThat(ahead.heard).isEmpty();
    assertThat(behind.heard).isEmpty();
  }

  @Test
  void rule1_remoteRenewTimeInThePastIsNotExpiry() {
    // A foreign holder whose renewTime is an hour old by our clock: still valid for a full LD
    // from the moment we first see it.
    store.forceWrite(new LeaseRecord("other", 15, Instant.parse("2026-11-21T08:00:00Z"),
        Instant.parse("2026-11-21T09:00:00Z"), 4));
    Candidate b = candidate("b").start();
    world.advance(LD.minus(MS));
    assertThat(b.isLeader()).isFalse();
    world.advance(MS.multipliedBy(2));
    assertThat(b.isLeader()).isTrue();
  }

  @Test
  void rule1_takeoverWaitsLeaseDurationFromTheLastObservedChange() {
    Candidate a = startedLeader("a");
    Candidate b = candidate("b").start();
    world.advance(Duration.ofSeconds(7));
    long lastRenewal = lastRenewal(a);
    a.thread.freeze();
    world.advance(Duration.ofNanos(lastRenewal + LD.toNanos() - world.nanoTime()).minus(MS));
    assertThat(b.isLeader()).isFalse();
    world.advance(MS.multipliedBy(2));
    assertThat(b.isLeader()).isTrue();
  }

  // --- Rule 2: only a successful conditional write makes a leader --------------------------------

  @Test
  void rule2_ownIdentityInTheRecordIsNotLeadershipWithoutAWrite() {
    store.forceWrite(new LeaseRecord("b", 15, null, null, 3));
    store.failNext(Operation.UPDATE, ioError());
    Candidate b = candidate("b").start();
    world.runDue();
    assertThat(b.isLeader()).isFalse();
    assertThat(b.heard).isEmpty();
    world.advance(RP);
    assertThat(b.isLeader()).isTrue();
    assertThat(store.peek().transitions()).isEqualTo(3); // same holder: no transition (rule 19)
  }

  @Test
  void rule2_lostRaceIsNotLeadership() {
    store.forceWrite(new LeaseRecord("", 1, null, null, 0));
    // Someone else wins between our read and our write.
    store.intercept(op -> {
      if (op == Operation.UPDATE && "".equals(store.peek().holder())) {
        store.forceWrite(new LeaseRecord("rival", 15, null, null, 1));
      }
    });
    Candidate b = candidate("b").start();
    world.runDue();
    assertThat(b.isLeader()).isFalse();
    assertThat(b.heard).isEmpty();
    assertThat(b.elector.currentHolder()).contains("rival");
  }

  // --- Rule 3: isLeader() is bounded by lastRenewalSent + RD ------------------------------------------

  @Test
  void rule3_isLeaderFalseAfterPauseLongerThanRenewDeadline() {
    Candidate a = startedLeader("a");
    world.advance(Duration.ofSeconds(5));
    long lastSent = lastRenewal(a);
    a.thread.freeze();
    a.events.freeze();
    world.jump(Duration.ofNanos(lastSent + RD.toNanos() - world.nanoTime()).minus(MS));
    assertThat(a.isLeader()).isTrue();
    world.jump(MS);
    // No loop has run: the answer comes from the time bound alone.
    assertThat(a.isLeader()).isFalse();
    assertThat(a.elector.fencingToken()).isEmpty();
    a.thread.thaw();
    a.events.thaw();
    world.runDue();
    // Lost first; then, alone, it wins a fresh conditional write.
    assertThat(a.heard).startsWith("elected", "lost");
    assertThat(a.losses.get(0)).isEqualTo(LossReason.DEADLINE_PASSED);
  }

  @Test
  void rule3_deadlineCountsFromWhenTheRenewalWasSentNotAcknowledged() {
    Candidate a = startedLeader("a");
    world.advance(RP.minus(MS));
    // The next renewal takes 4 s to come back.
    store.intercept(op -> {
      if (op == Operation.UPDATE) {
        world.elapse(Duration.ofSeconds(4));
      }
    });
    world.advance(MS.multipliedBy(2));
    store.intercept(op -> {});
    long sent = lastRenewal(a);
    assertThat(world.nanoTime() - sent).isGreaterThanOrEqualTo(Duration.ofSeconds(4).toNanos());
    a.thread.freeze();
    world.jump(Duration.ofNanos(sent + RD.toNanos() - world.nanoTime()));
    assertThat(a.isLeader()).isFalse();
  }

  // --- Rule 4: bounded requests and validated timings ---------------------------------------------------

  @Test
  void rule4_requestTimeoutDefaultsBelowRenewDeadline() {
    ElectionConfig c = ElectionConfig.builder("jobs").namespace("default").identity("a").build();
    assertThat(c.requestTimeout()).isLessThan(c.renewDeadline());
  }

  @Test
  void rule4_slowRequestsCannotKeepALeaderActingPastTheDeadline() {
    Candidate a = startedLeader("a");
    Candidate b = candidate("b").start();
    world.runDue();
    // Every request from now on hangs until its timeout, then fails.
    store.intercept(op -> {
      world.elapse(a.elector.config().requestTimeout());
      throw ioError();
    });
    world.advance(Duration.ofSeconds(30));
    assertThat(a.losses).containsExactly(LossReason.RENEW_FAILED);
    assertThat(b.isLeader()).isFalse(); // b cannot write either
  }

  // --- Rule 5: release is compare-and-set, after leader work stopped --------------------------------

  @Test
  void rule5_releaseWritesEmptyHolderAndKeepsTransitions() {
    Candidate a = startedLeader("a");
    world.advance(Duration.ofSeconds(3));
    a.elector.closeAsync();
    world.runDue();
    LeaseRecord r = store.peek();
    assertThat(r.holderIdentity()).isEmpty();
    assertThat(r.leaseDurationSeconds()).isEqualTo(1);
    assertThat(r.transitions()).isZero(); // a's own count, kept
  }

  @Test
  void rule5_neverClearsALeaseSomeoneElseHolds() {
    Candidate a = startedLeader("a");
    a.thread.freeze();
    world.advance(Duration.ofSeconds(20)); // a paused; someone takes over by hand
    store.forceWrite(new LeaseRecord("other", 15, null, null, 7));
    a.thread.thaw();
    a.elector.closeAsync();
    world.runDue();
    assertThat(store.peek().holder()).isEqualTo("other");
    assertThat(store.peek().transitions()).isEqualTo(7);
  }

  @Test
  void rule5_releaseRetriesOnConflict() {
    Candidate a = startedLeader("a");
    store.setOtherField("label:team", "x"); // changes the resourceVersion under a's feet
    store.failNext(Operation.UPDATE, new LeaseStoreException.Conflict("injected", null));
    a.elector.closeAsync();
    world.runDue();
    assertThat(store.peek().holder()).isEmpty();
    assertThat(store.otherField("label:team")).isEqualTo("x");
  }

  @Test
  void rule5_releaseHappensOnlyAfterLostWasDelivered() {
    Candidate a = startedLeader("a");
    List<String> holderDuringLost = new ArrayList<>();
    a.elector.addListener(new LeadershipListener() {
      @Override
      public void onLost(LeadershipTerm term, LossReason reason) {
        holderDuringLost.add(store.peek().holder());
        assertThat(a.isLeader()).isFalse();
      }
    });
    a.events.freeze(); // leader work still running
    CompletableFuture<Void> closed = a.elector.closeAsync();
    world.runDue();
    assertThat(a.isLeader()).isFalse();
    assertThat(store.peek().holder()).isEqualTo("a"); // not released while work runs
    a.events.thaw();
    world.runDue();
    assertThat(holderDuringLost).containsExactly("a");
    assertThat(store.peek().holder()).isEmpty();
    assertThat(closed).isDone();
  }

  // --- Rule 6: fencing token ----------------------------------------------------------------------------

  @Test
  void rule6_fencingTokenIsTheResourceVersionOfTheAcquiringWrite() throws Exception {
    Candidate a = startedLeader("a");
    Candidate b = candidate("b").start();
    world.runDue();
    long tokenA = a.elector.fencingToken().getAsLong();
    world.advance(RP.multipliedBy(3)); // renewals change the resourceVersion, not the token
    assertThat(a.elector.fencingToken().getAsLong()).isEqualTo(tokenA);
    assertThat(Long.parseLong(store.get().resourceVersion())).isGreaterThan(tokenA);
    a.elector.closeAsync();
    world.runDue();
    assertThat(b.isLeader()).isTrue();
    long tokenB = b.elector.fencingToken().getAsLong();
    assertThat(tokenB).isGreaterThan(tokenA).isEqualTo(b.terms.get(0).fencingToken());
  }

  @Test
  void rule6_tokenGrowsEvenForAProcessThatNeverSawTheDeletedLease() {
    Candidate a = startedLeader("a");
    long tokenA = a.elector.fencingToken().getAsLong();
    a.elector.closeAsync();
    world.runDue();
    store.delete();
    Candidate fresh = candidate("fresh").start(); // never saw a's record or its transition count
    world.runDue();
    assertThat(fresh.isLeader()).isTrue();
    assertThat(store.peek().transitions()).isZero(); // the count started again...
    assertThat(fresh.elector.fencingToken().getAsLong()).isGreaterThan(tokenA); // ...the token did not
  }

  @Test
  void rule6_tokenKeepsGrowingWhenTheLeaseIsDeletedAndRecreated() {
    Candidate a = startedLeader("a");
    Candidate b = candidate("b").start();
    world.runDue();
    store.forceWrite(new LeaseRecord("a", 15, null, null, 41));
    world.advance(RP);
    a.thread.freeze(); // a never gets to recreate it
    store.delete();
    world.advance(LD.plus(RP));
    assertThat(b.isLeader()).isTrue();
    assertThat(store.peek().transitions()).isGreaterThan(41); // the count continues too (rule 19)
  }

  // --- Rule 7: watch plus expiry timer; a stalled watch delays takeover by at most RP ----------------

  @Test
  void rule7_stalledWatchDelaysTakeoverByAtMostRetryPeriod() {
    Candidate a = startedLeader("a");
    Candidate b = candidate("b").start();
    world.runDue();
    store.stallWatches();
    world.advance(Duration.ofSeconds(40)); // b learns only through its expiry checks
    long lastRenewal = lastRenewal(a);
    a.thread.freeze(); // a dies
    world.advance(LD.plus(RP).plus(RP));
    assertThat(b.isLeader()).isTrue();
    long elected = b.renewalsSentAt.get(0);
    assertThat(elected - lastRenewal).isBetween(LD.toNanos(), LD.plus(RP).toNanos());
    assertThat(a.losses).isEmpty(); // frozen: it never ran, but isLeader() turned false in time
  }

  @Test
  void rule7_brokenWatchMakesFollowersPollUntilItIsBack() {
    Candidate a = startedLeader("a");
    Candidate b = candidate("b").start();
    world.runDue();
    store.intercept(op -> {
      if (op == Operation.WATCH) {
        throw ioError();
      }
    });
    store.breakWatches();
    int before = store.requestCount(Operation.GET);
    world.advance(Duration.ofSeconds(20));
    assertThat(store.requestCount(Operation.GET) - before).isGreaterThanOrEqualTo(5);
    assertThat(a.isLeader()).isTrue();
    long lastRenewal = lastRenewal(a);
    a.thread.freeze();
    world.advance(LD.plus(RP).plus(RP));
    assertThat(b.renewalsSentAt.get(0) - lastRenewal).isBetween(LD.toNanos(), LD.plus(RP).toNanos());
  }

  @Test
  void rule7_watchIsRestartedAfterResourceVersionExpired() {
    startedLeader("a");
    Candidate b = candidate("b").start();
    world.runDue();
    store.compact(); // every watch ends with 410
    world.runDue();
    assertThat(store.openWatches()).isEqualTo(2);
    candidates.get(0).elector.closeAsync();
    world.runDue(); // the restarted watch delivers the release
    assertThat(b.isLeader()).isTrue();
  }

  @Test
  void rule7_followersMakeNoRequestsWhileTheWatchWorks() {
    startedLeader("a");
    candidate("b").start();
    candidate("c").start();
    world.runDue();
    int gets = store.requestCount(Operation.GET);
    int watches = store.requestCount(Operation.WATCH);
    world.advance(Duration.ofMinutes(10));
    assertThat(store.requestCount(Operation.GET)).isEqualTo(gets);
    assertThat(store.requestCount(Operation.WATCH)).isEqualTo(watches);
    assertThat(store.requestCount(Operation.UPDATE)).isBetween(290, 310); // the leader alone
  }

  // --- Rule 8: a released lease is taken over on the watch event ---------------------------------------

  @Test
  void rule8_gracefulHandoverHappensWithoutWaiting() {
    Candidate a = startedLeader("a");
    Candidate b = candidate("b").start();
    world.advance(Duration.ofSeconds(5));
    a.elector.closeAsync();
    long t = world.nanoTime();
    world.runDue(); // no time passes
    assertThat(b.isLeader()).isTrue();
    assertThat(b.renewalsSentAt.get(0)).isEqualTo(t);
  }

  @Test
  void rule8_clientGoReleaseFormatIsTakenOverAtOnce() {
    store.forceWrite(new LeaseRecord("go-client", 15, Instant.now(), Instant.now(), 2));
    Candidate b = candidate("b").start();
    world.advance(Duration.ofSeconds(3));
    assertThat(b.isLeader()).isFalse();
    store.forceWrite(new LeaseRecord("", 1, Instant.now(), Instant.now(), 2)); // client-go release
    world.runDue();
    assertThat(b.isLeader()).isTrue();
    assertThat(store.peek().transitions()).isEqualTo(3);
  }

  @Test
  void rule8_clientJavaNullHolderIsFree() {
    store.forceWrite(new LeaseRecord(null, 15, null, null, null));
    Candidate b = candidate("b").start();
    world.runDue();
    assertThat(b.isLeader()).isTrue();
    assertThat(store.peek().transitions()).isEqualTo(1);
  }

  // --- Rule 9: renewals do not depend on watch events ----------------------------------------------

  @Test
  void rule9_leaderRenewsOnItsOwnScheduleWithoutAnyWatch() {
    Candidate a = startedLeader("a");
    store.stallWatches();
    store.breakWatches();
    store.intercept(op -> {
      if (op == Operation.WATCH) {
        throw ioError();
      }
    });
    int before = a.renewalsSentAt.size();
    world.advance(Duration.ofMinutes(2));
    assertThat(a.renewalsSentAt.size() - before).isBetween(58, 61);
    assertThat(a.isLeader()).isTrue();
    assertThat(a.losses).isEmpty();
  }

  // --- Rule 10: renew failures are retried until RD; conflicts re-read -------------------------------

  @Test
  void rule10_transientRenewFailuresAreRetriedWithinTheDeadline() {
    Candidate a = startedLeader("a");
    // Three failed renewals in a row (at 2, 4 and 6 s) still leave the one at 8 s inside RD.
    store.failNext(Operation.UPDATE, ioError());
    store.failNext(Operation.UPDATE, ioError());
    store.failNext(Operation.UPDATE, new LeaseStoreException("injected 503", 503, null));
    world.advance(Duration.ofSeconds(30));
    assertThat(a.isLeader()).isTrue();
    assertThat(a.heard).containsExactly("elected");
  }

  @Test
  void rule10_conflictOnRenewWithOurRecordKeepsLeadership() {
    Candidate a = startedLeader("a");
    store.setOtherField("annotation:owner", "team-x"); // bumps the resourceVersion
    world.advance(Duration.ofSeconds(10));
    assertThat(a.isLeader()).isTrue();
    assertThat(a.heard).containsExactly("elected");
    assertThat(store.otherField("annotation:owner")).isEqualTo("team-x");
  }

  @Test
  void rule10_givesUpAtTheRenewDeadlineAtTheLatest() {
    Candidate a = startedLeader("a");
    world.advance(RP.minus(MS));
    long lastSent = lastRenewal(a);
    store.intercept(op -> {
      throw ioError();
    });
    world.advance(RD);
    assertThat(a.losses).containsExactly(LossReason.RENEW_FAILED);
    assertThat(a.isLeader()).isFalse();
    // Lost no later than lastSent + RD (the deadline wake-up), while its listeners were told.
    assertThat(world.nanoTime() - lastSent).isGreaterThanOrEqualTo(RD.toNanos());
  }

  @Test
  void rule10_stepsDownAtOnceWhenAFreshReadShowsAnotherHolder() {
    Candidate a = startedLeader("a");
    world.advance(Duration.ofMillis(500));
    store.forceWrite(new LeaseRecord("intruder", 15, null, null, 9));
    world.runDue(); // the watch event triggers a fresh read
    assertThat(a.isLeader()).isFalse();
    assertThat(a.losses).containsExactly(LossReason.LEASE_TAKEN);
  }

  // --- Rule 11: lease deleted while held -----------------------------------------------------------------

  @Test
  void rule11_leaderRecreatesADeletedLease() {
    Candidate a = startedLeader("a");
    Candidate b = candidate("b").start();
    world.advance(Duration.ofSeconds(3));
    long token = a.elector.fencingToken().getAsLong();
    store.delete();
    world.advance(Duration.ofSeconds(20));
    assertThat(a.isLeader()).isTrue();
    assertThat(a.heard).containsExactly("elected");
    assertThat(store.peek().holder()).isEqualTo("a");
    assertThat(a.elector.fencingToken().getAsLong()).isEqualTo(token);
    assertThat(b.heard).isEmpty();
  }

  @Test
  void rule11_leaderStepsDownWhenSomeoneElseRecreatedTheLease() throws Exception {
    Candidate a = startedLeader("a");
    a.thread.freeze();
    store.delete();
    store.create(new LeaseRecord("other", 15, null, null, 0));
    a.thread.thaw();
    world.advance(RP.plus(RP));
    assertThat(a.isLeader()).isFalse();
    assertThat(a.losses).containsExactly(LossReason.LEASE_TAKEN);
  }

  @Test
  void rule11_followerWaitsOutTheClaimOfADeletedLeaseBeforeCreatingIt() {
    Candidate a = startedLeader("a");
    Candidate b = candidate("b").start();
    world.advance(Duration.ofSeconds(3));
    a.thread.freeze(); // a paused: it still acts until its deadline, and cannot recreate
    store.delete();
    world.advance(Duration.ofSeconds(9));
    assertThat(store.peek()).isNull(); // b did not create it while a could still act
    world.advance(LD);
    assertThat(b.isLeader()).isTrue();
  }

  // --- Rule 12: a candidate that lost keeps competing ---------------------------------------------

  @Test
  void rule12_reElectionWorksWithoutRestart() {
    Candidate a = startedLeader("a");
    Candidate b = candidate("b").start();
    world.runDue();
    a.thread.freeze();
    world.advance(LD.plus(RP));
    assertThat(b.isLeader()).isTrue();
    a.thread.thaw();
    world.advance(RP);
    assertThat(a.losses).containsExactly(LossReason.DEADLINE_PASSED);
    b.elector.closeAsync();
    world.runDue();
    assertThat(a.isLeader()).isTrue();
    assertThat(a.heard).containsExactly("elected", "lost", "elected");
  }

  @Test
  void rule12_followerNeverGivesUpOnFailingReads() {
    for (int i = 0; i < 20; i++) {
      store.failNext(Operation.GET, ioError());
    }
    Candidate b = candidate("b").start();
    world.advance(Duration.ofSeconds(30));
    assertThat(b.isLeader()).isFalse();
    // 20 failures with the follower back-off (2, 4, then 8 s each): about 150 s in all.
    world.advance(Duration.ofSeconds(130));
    assertThat(b.isLeader()).isTrue();
  }

  // --- Rules 13-15: listeners -----------------------------------------------------------------------------

  @Test
  void rule13_electedAndLostAlternateAndShutdownEndsWithLost() {
    Candidate a = startedLeader("a");
    Candidate b = candidate("b").start();
    for (int round = 0; round < 5; round++) {
      Candidate leader = a.isLeader() ? a : b;
      leader.thread.freeze();
      world.advance(LD.plus(RP).plus(RP));
      leader.thread.thaw();
      world.advance(RP);
    }
    a.elector.closeAsync();
    b.elector.closeAsync();
    world.runDue();
    for (Candidate c : List.of(a, b)) {
      assertThat(c.heard).isNotEmpty();
      for (int i = 0; i < c.heard.size(); i++) {
        assertThat(c.heard.get(i)).as(c + " event " + i).isEqualTo(i % 2 == 0 ? "elected" : "lost");
      }
      assertThat(c.heard).last().isEqualTo("lost");
    }
  }

  @Test
  void rule14_blockedListenerNeverDelaysRenewals() {
    Candidate a = candidate("a");
    a.events.freeze(); // the listener thread is stuck for the whole test
    a.start();
    world.advance(Duration.ofMinutes(1));
    assertThat(a.isLeader()).isTrue();
    assertThat(a.renewalsSentAt.size()).isGreaterThanOrEqualTo(30);
    assertThat(a.heard).isEmpty(); // nothing was delivered, yet the elector kept going
  }

  @Test
  void rule14_throwingListenerDoesNotStopLaterNotifications() {
    Candidate a = candidate("a");
    a.elector.addListener(new LeadershipListener() {
      @Override
      public void onElected(LeadershipTerm term) {
        throw new IllegalStateException("listener bug");
      }
    });
    a.start();
    world.runDue();
    a.elector.closeAsync();
    world.runDue();
    assertThat(a.heard).containsExactly("elected", "lost");
  }

  @Test
  void rule15_newLeaderNotificationsAreOrderedAndDeduplicated() {
    Candidate a = startedLeader("a");
    Candidate observer = candidate("observer");
    observer.thread.freeze(); // stays a follower: never gets to compete
    Candidate b = candidate("b").start();
    world.advance(Duration.ofSeconds(10));
    a.elector.closeAsync();
    world.advance(Duration.ofSeconds(10));
    b.elector.closeAsync();
    world.advance(Duration.ofSeconds(1));
    assertThat(b.leadersSeen).containsExactly("a", "b");
  }

  // --- Rules 16-19: what is on the server --------------------------------------------------------

  @Test
  void rule16_leaseWithMissingSpecIsFree() {
    store.forceWrite(LeaseRecord.EMPTY);
    Candidate b = candidate("b").start();
    world.runDue();
    assertThat(b.isLeader()).isTrue();
  }

  @Test
  void rule16_foreignHolderWithoutDurationIsExpiredAsInClientGo() {
    store.forceWrite(new LeaseRecord("other", null, null, null, null));
    Candidate b = candidate("b").start();
    world.runDue();
    assertThat(b.isLeader()).isTrue();
  }

  @Test
  void rule16_hostileClearOfTheHolderIsNoticedByTheLeaderOnTheSameEvent() {
    // A third party writes holder "" over a live leader's lease. Rule 8 has followers take a
    // free lease at once, and nothing on the server tells this apart from a release, so the
    // bound is that the leader stops on the very same watch event, before time moves on.
    Candidate a = startedLeader("a");
    Candidate b = candidate("b").start();
    world.advance(Duration.ofSeconds(3));
    candidates.clear(); // the per-step invariant cannot hold inside this single instant
    long t = world.nanoTime();
    store.forceWrite(new LeaseRecord(null, null, null, null, null));
    world.runDue();
    assertThat(world.nanoTime()).isEqualTo(t);
    assertThat(b.isLeader()).isTrue();
    assertThat(a.isLeader()).isFalse();
    assertThat(a.losses).containsExactly(LossReason.LEASE_TAKEN);
  }

  @Test
  void rule16_handEditedDurationOf3600SecondsIsHonoured() {
    store.forceWrite(new LeaseRecord("hand-edit", 3600, null, null, 1));
    Candidate b = candidate("b").start();
    world.advance(Duration.ofSeconds(3599));
    assertThat(b.isLeader()).isFalse();
    world.advance(Duration.ofSeconds(2));
    assertThat(b.isLeader()).isTrue();
  }

  @Test
  void rule16_handEditedDurationOnOurOwnLeaseIsWrittenBack() {
    Candidate a = startedLeader("a");
    store.forceWrite(new LeaseRecord("a", 3600, null, null, 0));
    world.advance(RP.plus(RP));
    assertThat(a.isLeader()).isTrue();
    assertThat(store.peek().leaseDurationSeconds()).isEqualTo(15);
  }

  @Test
  void rule17_fieldsWeDoNotOwnSurviveAcquireRenewAndRelease() {
    store.forceWrite(new LeaseRecord("", 1, null, null, 0));
    store.setOtherField("label:app", "orders");
    store.setOtherField("spec.strategy", "OldestEmulationVersion");
    store.setOtherField("spec.preferredHolder", "someone");
    Candidate a = startedLeader("a");
    world.advance(Duration.ofSeconds(10));
    a.elector.closeAsync();
    world.runDue();
    assertThat(store.otherField("label:app")).isEqualTo("orders");
    assertThat(store.otherField("spec.strategy")).isEqualTo("OldestEmulationVersion");
    assertThat(store.otherField("spec.preferredHolder")).isEqualTo("someone");
  }

  @Test
  void rule18_timesAreWrittenInUtcWithMicroseconds() {
    Candidate a = candidate("a", Duration.ofNanos(123_456_789));
    a.start();
    world.runDue();
    Instant renew = store.peek().renewTime();
    assertThat(renew.getNano() % 1000).isZero();
    assertThat(renew.getNano()).isEqualTo(123_456_000);
  }

  @Test
  void rule19_transitionsGrowByOnePerChangeOfHolderNeverOnRenew() {
    Candidate a = startedLeader("a");
    Candidate b = candidate("b").start();
    world.advance(Duration.ofSeconds(30));
    assertThat(store.peek().transitions()).isZero();
    a.elector.closeAsync();
    world.advance(Duration.ofSeconds(30));
    assertThat(store.peek().transitions()).isEqualTo(1);
    b.thread.freeze();
    Candidate c = candidate("c").start();
    world.advance(Duration.ofSeconds(40));
    assertThat(c.isLeader()).isTrue();
    assertThat(store.peek().transitions()).isEqualTo(2);
  }

  // --- step down ----------------------------------------------------------------------------------------

  @Test
  void stepDownReleasesAndStaysOutForTheCoolDown() {
    Candidate a = startedLeader("a");
    Candidate b = candidate("b").start();
    world.runDue();
    CompletableFuture<Boolean> stepped = a.elector.stepDown();
    world.runDue();
    assertThat(stepped).isCompletedWithValue(true);
    assertThat(b.isLeader()).isTrue();
    assertThat(a.losses).containsExactly(LossReason.RELEASED);
    b.elector.closeAsync(); // lease free again, but a is cooling down
    world.advance(LD.minus(Duration.ofSeconds(1)));
    assertThat(a.isLeader()).isFalse();
    world.advance(Duration.ofSeconds(2));
    assertThat(a.isLeader()).isTrue();
  }

  @Test
  void awaitLeadershipNeverReturnsTrueWithoutLeadership() throws InterruptedException {
    Candidate a = startedLeader("a");
    Candidate b = candidate("b").start();
    world.runDue();
    assertThat(b.elector.awaitLeadership(Duration.ofMillis(50))).isFalse();
    assertThat(a.elector.awaitLeadership(Duration.ofMillis(50))).isTrue();
  }
}
