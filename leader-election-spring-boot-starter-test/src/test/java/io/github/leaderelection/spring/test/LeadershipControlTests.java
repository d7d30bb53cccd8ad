package io.github.leaderelection.spring.test;

import static io.github.leaderelection.spring.test.KitRunners.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.core.LeaseStore;
import io.github.leaderelection.core.LossReason;
import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.spring.LeaderElections;
import io.github.leaderelection.spring.LeaderOnly;
import io.github.leaderelection.spring.OnLeaderChangedEvent;
import io.github.leaderelection.spring.OnLeaderElectedEvent;
import io.github.leaderelection.spring.OnLeaderLostEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.springframework.context.event.EventListener;

/**
 * What {@link LeadershipControl} does to the election, checked through what the application
 * sees: {@link LeaderElection}, the events, {@code @LeaderOnly}. In context runners, as a user
 * of {@link LeaderElectionTestKit} would write them.
 */
class LeadershipControlTests {

  @Test
  void theElectionRunsOnTheControlledLeaseAndLeadsAtStartAsInAlwaysLeaderMode() {
    runner().run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(LeaseStore.class)).isInstanceOf(ControlledLease.class);
      LeadershipControl leadership = context.getBean(LeadershipControl.class);
      LeadershipEvents events = context.getBean(LeadershipEvents.class);
      assertThat(leadership.isLeader()).isTrue(); // always-leader waits for leadership at startup
      assertThat(leadership.holder()).contains(leadership.identity());
      assertThat(events.await(OnLeaderElectedEvent.class).getIdentity()).isEqualTo(leadership.identity());
    });
  }

  @Test
  void revokeLetsAnotherInstanceTakeTheLeaseAndGrantWinsItBackInANewTerm() {
    runner().run(context -> {
      LeadershipControl leadership = context.getBean(LeadershipControl.class);
      LeaderElection election = context.getBean(LeaderElection.class);
      LeadershipEvents events = context.getBean(LeadershipEvents.class);
      LeadershipTerm first = leadership.grant(); // already the leader: returns its term
      events.clear();

      leadership.revoke();
      assertThat(election.isLeader()).isFalse();
      assertThat(leadership.holder()).contains(LeadershipControl.OTHER_INSTANCE);
      assertThat(events.lost()).singleElement().satisfies(lost -> {
        assertThat(lost.getReason()).isEqualTo(LossReason.LEASE_TAKEN);
        assertThat(lost.getTerm()).isEqualTo(first);
      });

      LeadershipTerm second = leadership.grant();
      assertThat(election.isLeader()).isTrue();
      assertThat(election.currentTerm()).contains(second);
      assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
      assertThat(leadership.holder()).contains(leadership.identity());
      assertThat(events.history()).containsExactly("lost LEASE_TAKEN", "elected");
      assertThat(events.elected()).singleElement().extracting(OnLeaderElectedEvent::getTerm).isEqualTo(second);
      // The new holders, as every instance sees them (their order among elected/lost is not specified).
      events.await(OnLeaderChangedEvent.class, OnLeaderChangedEvent::isThisInstance);
      assertThat(events.leaders()).containsExactly(LeadershipControl.OTHER_INSTANCE, leadership.identity());
    });
  }

  @Test
  void handOverToNamesTheOtherHolder() {
    runner().run(context -> {
      LeadershipControl leadership = context.getBean(LeadershipControl.class);
      LeadershipEvents events = context.getBean(LeadershipEvents.class);
      leadership.handOverTo("orders-7d9f-b");
      assertThat(leadership.holder()).contains("orders-7d9f-b");
      assertThat(context.getBean(LeaderElection.class).currentHolder()).contains("orders-7d9f-b");
      OnLeaderChangedEvent changed = events.await(OnLeaderChangedEvent.class, e -> !e.isThisInstance());
      assertThat(changed.getLeaderIdentity()).isEqualTo("orders-7d9f-b");
      assertThat(events.lossReasons()).containsExactly(LossReason.LEASE_TAKEN);

      leadership.handOverTo("orders-7d9f-c"); // from one other holder to the next: no loss of ours
      assertThat(leadership.holder()).contains("orders-7d9f-c");
      events.await(OnLeaderChangedEvent.class, e -> e.getLeaderIdentity().equals("orders-7d9f-c"));
      assertThat(events.lossReasons()).containsExactly(LossReason.LEASE_TAKEN);

      assertThatIllegalArgumentException().isThrownBy(() -> leadership.handOverTo(""));
      assertThatIllegalArgumentException().isThrownBy(() -> leadership.handOverTo(leadership.identity()))
          .withMessageContaining("grant()");
    });
  }

  @Test
  void revokingAFollowerKeepsItAFollowerAndPublishesNothing() {
    runner().run(context -> {
      LeadershipControl leadership = context.getBean(LeadershipControl.class);
      LeadershipEvents events = context.getBean(LeadershipEvents.class);
      leadership.revoke();
      events.clear();
      leadership.revoke();
      assertThat(leadership.isLeader()).isFalse();
      assertThat(leadership.holder()).contains(LeadershipControl.OTHER_INSTANCE);
      assertThat(events.leadership()).isEmpty();
    });
  }

  @Test
  void stepDownGoesThroughTheApplicationsOwnStepDownAndAnotherInstanceTakesOver() {
    runner().run(context -> {
      LeadershipControl leadership = context.getBean(LeadershipControl.class);
      LeadershipEvents events = context.getBean(LeadershipEvents.class);
      leadership.reset(); // leader, and the elected event of the start delivered and forgotten
      leadership.stepDown();
      assertThat(leadership.isLeader()).isFalse();
      assertThat(events.lossReasons()).containsExactly(LossReason.RELEASED);
      // Released, then taken at once by the waiting other instance.
      assertThat(leadership.holder()).contains(LeadershipControl.OTHER_INSTANCE);

      long start = System.nanoTime();
      leadership.grant(); // waits out the kit's 1 s step-down cool-down
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      assertThat(events.history()).containsExactly("lost RELEASED", "elected");

      leadership.revoke();
      assertThatIllegalStateException().isThrownBy(leadership::stepDown).withMessageContaining("not the leader");
    });
  }

  @Test
  void renewFailedComesFromRenewalsTheApiServerRefusesUntilTheRenewDeadline() {
    runner().run(context -> {
      LeadershipControl leadership = context.getBean(LeadershipControl.class);
      LeadershipEvents events = context.getBean(LeadershipEvents.class);
      LeaderElection election = context.getBean(LeaderElection.class);
      ElectionConfig config = context.getBean(ElectionConfig.class);
      leadership.reset();
      long start = System.nanoTime();
      leadership.revoke(LossReason.RENEW_FAILED);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(took).isGreaterThanOrEqualTo(config.renewDeadline().minus(config.retryPeriod()));
      assertThat(events.lossReasons()).containsExactly(LossReason.RENEW_FAILED);
      assertThat(leadership.isLeader()).isFalse();
      assertThat(leadership.holder()).contains(LeadershipControl.OTHER_INSTANCE);
      // The last error is the refused renewals' 503, unless the elector's re-acquire right after
      // the loss (it competes again at once) raced the other instance's takeover and got the 409
      // that the takeover's newer resourceVersion causes: both are what a real server does.
      // (Seen on CI at a load of 14 on 2 cores.)
      assertThat(election.status().lastError()).satisfiesAnyOf(
          e -> assertThat(e).contains("503"),
          e -> assertThat(e).contains("is stale"));

      leadership.grant(); // writes work again
      assertThat(events.history()).containsExactly("lost RENEW_FAILED", "elected");
      assertThatIllegalStateException().isThrownBy(() -> {
        leadership.revoke();
        leadership.revoke(LossReason.RENEW_FAILED);
      }).withMessageContaining("not the leader");
    });
  }

  @Test
  void reasonsATestCannotCauseHonestlyAreRefusedWithTheWayToGetThem() {
    runner().run(context -> {
      LeadershipControl leadership = context.getBean(LeadershipControl.class);
      assertThatIllegalArgumentException().isThrownBy(() -> leadership.revoke(LossReason.SHUTDOWN))
          .withMessageContaining("close the application context");
      assertThatIllegalArgumentException().isThrownBy(() -> leadership.revoke(LossReason.DEADLINE_PASSED))
          .withMessageContaining("RENEW_FAILED");
      assertThat(leadership.isLeader()).isTrue();
    });
  }

  @Test
  void revokeWithReasonsTakesTheSamePaths() {
    runner().run(context -> {
      LeadershipControl leadership = context.getBean(LeadershipControl.class);
      LeadershipEvents events = context.getBean(LeadershipEvents.class);
      leadership.reset();
      leadership.revoke(LossReason.LEASE_TAKEN);
      leadership.grant();
      leadership.revoke(LossReason.RELEASED);
      assertThat(events.history()).containsExactly("lost LEASE_TAKEN", "elected", "lost RELEASED");
    });
  }

  @Test
  void theListenersOfTheApplicationHaveRunWhenAChangeReturns() {
    runner().withUserConfiguration(SlowListener.class).run(context -> {
      LeadershipControl leadership = context.getBean(LeadershipControl.class);
      SlowListener listener = context.getBean(SlowListener.class);
      leadership.grant();
      listener.heard.clear();
      leadership.revoke();
      assertThat(listener.heard).containsExactly("lost");
      leadership.grant();
      assertThat(listener.heard).containsExactly("lost", "elected");
    });
  }

  @Test
  void leaderOnlyCallsAreRecordedRunOrSkippedWithTheirTerm() {
    runner().withBean(Jobs.class).run(context -> {
      LeadershipControl leadership = context.getBean(LeadershipControl.class);
      LeaderOnlyInvocations invocations = context.getBean(LeaderOnlyInvocations.class);
      Jobs jobs = context.getBean(Jobs.class);
      LeadershipTerm term = leadership.grant();

      assertThat(jobs.purge()).isEqualTo(1);
      leadership.revoke();
      assertThat(jobs.purge()).isZero(); // skipped: the primitive's zero
      LeadershipTerm next = leadership.grant();
      assertThat(jobs.purge()).isEqualTo(1);

      assertThat(invocations.of("LeadershipControlTests.Jobs.purge"))
          .extracting(LeaderOnlyInvocations.Invocation::executed).containsExactly(true, false, true);
      assertThat(invocations.executed()).extracting(i -> i.fencingToken().getAsLong())
          .containsExactly(term.fencingToken(), next.fencingToken());
      assertThat(invocations.skipped()).singleElement().satisfies(i -> {
        assertThat(i.fencingToken()).isEmpty();
        assertThat(i.thread()).isEqualTo(Thread.currentThread().getName());
      });
      assertThat(invocations.skipped("LeadershipControlTests.Jobs.other")).isEmpty();
    });
  }

  @Test
  void awaitNextWaitsForACallMadeAfterIt() {
    runner().withBean(Jobs.class).run(context -> {
      LeaderOnlyInvocations invocations = context.getBean(LeaderOnlyInvocations.class);
      Jobs jobs = context.getBean(Jobs.class);
      jobs.purge(); // before: not the one awaited
      // Calls again and again, as a scheduler would, until the test has what it waits for: the
      // thread may well make its first call before awaitNext starts, which must not count.
      AtomicBoolean stop = new AtomicBoolean();
      Thread caller = new Thread(() -> {
        while (!stop.get()) {
          jobs.other();
          jobs.purge();
          LockSupport.parkNanos(1_000_000); // a 1 ms "schedule"
        }
      }, "job-caller");
      caller.start();
      try {
        LeaderOnlyInvocations.Invocation next = invocations.awaitNext("LeadershipControlTests.Jobs.purge");
        assertThat(next.thread()).isEqualTo("job-caller");
        assertThat(next.executed()).isTrue();
      } finally {
        stop.set(true);
        caller.join();
      }

      assertThatThrownBy(() -> invocations.awaitSkipped("LeadershipControlTests.Jobs.purge", Duration.ofMillis(100)))
          .isInstanceOf(AssertionError.class).hasMessageContaining("No skipped call of LeadershipControlTests.Jobs.purge");
      assertThatThrownBy(() -> invocations.awaitNext("Jobs.purge", Duration.ofMillis(50)))
          .isInstanceOf(AssertionError.class).hasMessageContaining("is the method name right");
    });
  }

  @Test
  void theDefaultElectionByNameIsTheOneTheControlActsOnAndAnUnknownNameListsTheKnownOnes() {
    runner().run(context -> {
      LeadershipControl leadership = context.getBean(LeadershipControl.class);
      ElectionControl byName = leadership.election(LeadershipControl.DEFAULT_ELECTION);
      assertThat(byName.name()).isEqualTo("default").isEqualTo(LeaderElections.DEFAULT);
      assertThat(leadership.election("")).isSameAs(byName);
      byName.revoke();
      assertThat(leadership.isLeader()).isFalse();
      byName.grant();
      assertThat(leadership.isLeader()).isTrue();
      assertThatIllegalArgumentException().isThrownBy(() -> leadership.election("billing"))
          .withMessageContaining("'billing'").withMessageContaining("the elections are default");
    });
  }

  @Test
  void aChangeThatDoesNotHappenInTimeFailsTheTestSayingWhatTheElectorKnows() {
    runner().run(context -> {
      LeadershipControl leadership = context.getBean(LeadershipControl.class);
      leadership.stepDown(); // 1 s cool-down: a grant cannot succeed within 100 ms
      assertThatThrownBy(() -> leadership.withTimeout(Duration.ofMillis(100)).grant())
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("did not become the leader within 100ms")
          .hasMessageContaining("leader.election.test.await-timeout")
          .hasMessageContaining("ElectionStatus[");
      leadership.grant(); // the default timeout covers the cool-down
      assertThat(leadership.isLeader()).isTrue();
      assertThatIllegalArgumentException().isThrownBy(() -> leadership.withTimeout(Duration.ZERO));
    });
  }

  @Test
  void aStoppedAndRestartedContextLeadsAgainEvenIfTheTestHadHandedTheLeaseAway() {
    runner().run(context -> {
      LeadershipControl leadership = context.getBean(LeadershipControl.class);
      LeadershipEvents events = context.getBean(LeadershipEvents.class);
      LeadershipTerm before = leadership.grant();
      leadership.revoke();
      context.getSourceApplicationContext().stop();
      assertThatIllegalStateException().isThrownBy(leadership::grant).withMessageContaining("not running");
      events.clear();
      // Always-leader waits for leadership at start: it must find the lease free, not held by
      // the other instance for a day.
      context.getSourceApplicationContext().start();
      assertThat(leadership.isLeader()).isTrue();
      LeadershipTerm after = leadership.grant();
      assertThat(after.fencingToken()).isGreaterThan(before.fencingToken());
      assertThat(events.history()).containsExactly("elected");
    });
  }

  @Test
  void resetPutsBackWhatTheElectionStartedWith() {
    runner().withBean(Jobs.class).run(context -> {
      LeadershipControl leadership = context.getBean(LeadershipControl.class);
      LeadershipEvents events = context.getBean(LeadershipEvents.class);
      LeaderOnlyInvocations invocations = context.getBean(LeaderOnlyInvocations.class);
      context.getBean(Jobs.class).purge();
      leadership.revoke();
      leadership.reset();
      assertThat(leadership.isLeader()).isTrue();
      assertThat(events.all()).isEmpty();
      assertThat(invocations.all()).isEmpty();
    });
  }

  static class Jobs {
    @LeaderOnly
    public int purge() {
      return 1;
    }

    @LeaderOnly
    public void other() {}
  }

  /** An application listener that takes its time, to show the control waits for it. */
  static class SlowListener {
    final List<String> heard = new CopyOnWriteArrayList<>();

    @EventListener
    void elected(OnLeaderElectedEvent event) throws InterruptedException {
      Thread.sleep(200); // the application's own slow work, not a wait of the test
      heard.add("elected");
    }

    @EventListener
    void lost(OnLeaderLostEvent event) throws InterruptedException {
      Thread.sleep(200);
      heard.add("lost");
    }
  }
}
