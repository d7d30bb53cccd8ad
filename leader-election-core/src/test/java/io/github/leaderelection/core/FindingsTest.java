package io.github.leaderelection.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.leaderelection.core.InMemoryLeaseStore.Operation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * One test per defect found by reading the first elector against the contract (paths the first
 * chaos suite never drove). Each failed on the elector before the state machine; the finding's
 * number is in the name. The per-step invariant of {@link FakeWorldTestBase} (never two acting
 * leaders) runs throughout.
 */
class FindingsTest extends FakeWorldTestBase {

  private final Logger logger = (Logger) LoggerFactory.getLogger(LeaderElector.class);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  @BeforeEach
  void capture() {
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void release() {
    logger.detachAppender(appender);
  }

  private Candidate candidate(String id, ElectionConfig.Builder config) {
    Candidate c = new Candidate(world, store, config.build(), Duration.ZERO);
    candidates.add(c);
    return c;
  }

  private long warnings(String text) {
    return appender.list.stream()
        .filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains(text)).count();
  }

  /** Rule 22: a step-down's release clears only the term it ends, however long listeners drain. */
  @Test
  void finding1_stepDownNeverReleasesANewerTermOfItsOwn() {
    Candidate a = candidate("a", Candidate.config("jobs", "a").stepDownCooldown(Duration.ZERO));
    a.start();
    world.runDue();
    Candidate b = candidate("b").start();
    world.runDue();
    a.events.freeze(); // the lost-listeners (leader work) take 3 s to return
    CompletableFuture<Boolean> stepped = a.elector.stepDown();
    world.advance(Duration.ofSeconds(3));
    assertThat(a.isLeader()).as("a re-acquired while its own release was pending").isFalse();
    a.events.thaw();
    world.advance(Duration.ofSeconds(1));
    assertThat(stepped).isCompletedWithValue(true);
    assertThat(b.isLeader()).isTrue();
    assertThat(a.isLeader()).isFalse();
    assertThat(store.peek().holder()).isEqualTo("b");
  }

  /** Rule 23: a shutdown that gives up waiting for leader work leaves the lease to expire. */
  @Test
  void finding2_shutdownTimeoutNeverReleasesWhileLeaderWorkRuns() {
    Candidate a = candidate("a", Candidate.config("jobs", "a").shutdownTimeout(Duration.ofSeconds(1)));
    a.start();
    world.runDue();
    Candidate b = candidate("b").start();
    world.runDue();
    a.events.freeze(); // onLost (leader work) never returns
    CompletableFuture<Void> closed = a.elector.closeAsync();
    world.advance(Duration.ofSeconds(2));
    assertThat(closed).isDone();
    assertThat(store.peek().holder()).as("released while leader work ran").isEqualTo("a");
    assertThat(warnings("did not stop within the shutdown timeout")).isEqualTo(1);
    world.advance(LD);
    assertThat(b.isLeader()).isTrue(); // it expired instead
  }

  /** Rules 3, 11, 13: a leader that lapsed during a pause does not resume its term on a deletion. */
  @Test
  void finding4_aLapsedLeaderDoesNotRecreateADeletedLeaseAsItsOldTerm() {
    Candidate a = startedLeader("a");
    world.advance(Duration.ofSeconds(3));
    a.thread.freeze();
    world.advance(RD.plus(Duration.ofSeconds(1))); // a lapsed while paused
    store.delete(); // a's watch event waits in its queue
    a.thread.thaw();
    world.runDue();
    assertThat(a.heard).startsWith("elected", "lost");
    assertThat(store.peek()).as("recreated by a lapsed leader at once").isNull();
    world.advance(LD.plus(RP));
    assertThat(a.isLeader()).isTrue(); // a new term, after the deleted claim ran out
    assertThat(a.heard).containsExactly("elected", "lost", "elected");
  }

  /** Rule 25: a runtime exception below the elector is a retry, for a leader and a follower. */
  @Test
  void finding5_runtimeExceptionsFromTheStoreAreRetried() {
    Candidate a = startedLeader("a");
    Candidate b = candidate("b").start();
    world.runDue();
    AtomicInteger left = new AtomicInteger(3);
    store.intercept(op -> {
      if (left.getAndDecrement() > 0) {
        throw new IllegalArgumentException(
            "The field `x` in the JSON string is not defined in the `V1LeaseSpec` properties");
      }
    });
    world.advance(Duration.ofSeconds(20));
    assertThat(a.isLeader()).isTrue(); // three failed renewals, retried within the deadline
    assertThat(a.heard).containsExactly("elected");
    left.set(5);
    a.thread.freeze(); // a dies; b's reads and writes fail five times, then work
    world.advance(Duration.ofSeconds(60));
    assertThat(b.isLeader()).isTrue();
  }

  /** Rule 14: a listener executor that refused once does not swallow every later notification. */
  @Test
  void finding6_aRejectedNotificationDoesNotStallTheOnesAfterIt() {
    AtomicBoolean reject = new AtomicBoolean(true);
    List<String> ran = new ArrayList<>();
    SerialExecutor serial = new SerialExecutor(task -> {
      if (reject.getAndSet(false)) {
        throw new RejectedExecutionException("queue full (injected)");
      }
      task.run();
    });
    assertThatThrownBy(() -> serial.execute(() -> ran.add("first"))).isInstanceOf(RejectedExecutionException.class);
    serial.execute(() -> ran.add("second"));
    assertThat(ran).containsExactly("second");
  }

  /** A step-down waits for listeners within a bound, and close() during it completes it. */
  @Test
  void finding7_closeDuringAStepDownCompletesBoth() {
    Candidate a = candidate("a", Candidate.config("jobs", "a").shutdownTimeout(Duration.ofSeconds(2)));
    a.start();
    world.runDue();
    a.events.freeze(); // listeners never return
    CompletableFuture<Boolean> stepped = a.elector.stepDown();
    world.advance(Duration.ofSeconds(1));
    CompletableFuture<Void> closed = a.elector.closeAsync();
    world.advance(Duration.ofSeconds(2));
    assertThat(stepped).isCompletedWithValue(false); // not released: left to expire (rule 23)
    assertThat(closed).isDone();
    assertThat(store.peek().holder()).isEqualTo("a");
  }

  /** Rule 7: a released lease is taken within about one retry period even if the watch stalls silently. */
  @Test
  void finding10_releaseIsNoticedPromptlyThroughASilentlyStalledWatch() {
    Candidate a = startedLeader("a");
    Candidate b = candidate("b").start();
    world.runDue();
    store.stallWatches();
    world.advance(Duration.ofSeconds(1));
    a.elector.closeAsync();
    world.runDue();
    assertThat(store.peek().holder()).isEmpty();
    world.advance(RP.multipliedBy(2));
    assertThat(b.isLeader()).as("took the released lease only at expiry").isTrue();
  }

  /** A renew keeps a hand-edited leaseTransitions instead of overwriting it. */
  @Test
  void finding12_renewalKeepsAHandEditedTransitionCount() {
    Candidate a = startedLeader("a");
    store.forceWrite(new LeaseRecord("a", 15, null, null, 41));
    world.advance(RP.multipliedBy(2));
    assertThat(a.isLeader()).isTrue();
    assertThat(store.peek().transitions()).isEqualTo(41);
  }

  /**
   * Rule 13: leadership that lapsed is lost, announced, then re-acquired as a new term. Here a
   * retry sent just before the deadline is answered just after it.
   */
  @Test
  void finding17_aRenewalAnsweredAfterTheDeadlineIsALossThenANewTerm() {
    Candidate a = startedLeader("a");
    List<Boolean> leaderAtSteps = new ArrayList<>();
    world.afterEachStep(() -> leaderAtSteps.add(a.isLeader()));
    AtomicInteger updates = new AtomicInteger();
    store.intercept(op -> {
      if (op != Operation.UPDATE) {
        return;
      }
      int n = updates.incrementAndGet();
      if (n <= 3) {
        throw ioError(); // renewals at +2, +4, +6 s fail
      }
      if (n == 4) {
        world.elapse(Duration.ofSeconds(3)); // the one sent at +8 s is answered at +11 s
        leaderAtSteps.add(a.isLeader()); // what another thread sees meanwhile
      }
    });
    world.advance(Duration.ofSeconds(20));
    int rises = 0;
    for (int i = 1; i < leaderAtSteps.size(); i++) {
      if (leaderAtSteps.get(i) && !leaderAtSteps.get(i - 1)) {
        rises++;
      }
    }
    long elected = a.heard.stream().filter("elected"::equals).count();
    assertThat(rises).as("isLeader() rose again without a new elected").isEqualTo(elected - 1);
    assertThat(a.heard).containsExactly("elected", "lost", "elected");
  }

  /** Rules 7, 25: a Role without "watch" is said once at WARN with the advice, restarts back off, and followers still poll. */
  @Test
  void finding9_aRefusedWatchIsReportedOnceAndBacksOff() {
    store.intercept(op -> {
      if (op == Operation.WATCH) {
        throw new LeaseStoreException.Forbidden("the API server refused to watch leases (coordination.k8s.io)"
            + " in namespace \"default\"", "watch", "default", "system:serviceaccount:default:app", null);
      }
    });
    Candidate a = startedLeader("a");
    Candidate b = candidate("b").start();
    world.advance(Duration.ofSeconds(60));
    assertThat(warnings("needs verb \"watch\"")).isEqualTo(2); // once per candidate
    // Old behaviour: a new watch every retry period (30 a minute each); now it backs off.
    assertThat(store.requestCount(Operation.WATCH)).isLessThanOrEqualTo(2 * 10);
    a.thread.freeze(); // the leader dies: b notices by polling
    world.advance(LD.plus(RP.multipliedBy(3)));
    assertThat(b.isLeader()).isTrue();
  }

  /** Rule 26: timings a client-go candidate on the same Lease could not follow are named at start. */
  @Test
  void finding13_timingsClientGoCannotFollowAreWarnedAbout() {
    ElectionConfig fast = Candidate.config("jobs", "x").leaseDuration(Duration.ofSeconds(2))
        .renewDeadline(Duration.ofMillis(1500)).retryPeriod(Duration.ofMillis(300)).build();
    assertThat(fast.interoperabilityWarnings()).hasSize(2)
        .anySatisfy(w -> assertThat(w).startsWith("retryPeriod (300ms)"))
        .anySatisfy(w -> assertThat(w).contains("minus renewDeadline"));
    assertThat(Candidate.config("jobs", "y").build().interoperabilityWarnings()).isEmpty();
    Candidate c = candidate("c", Candidate.config("jobs", "c").leaseDuration(Duration.ofSeconds(2))
        .renewDeadline(Duration.ofMillis(1500)).retryPeriod(Duration.ofMillis(300)));
    c.start();
    assertThat(warnings("client-go candidate")).isEqualTo(2);
  }
}
