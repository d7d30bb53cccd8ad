package io.github.leaderelection.spring.leaderonly;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.core.LossReason;
import io.github.leaderelection.spring.LeaderOnly.OnLoss;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Which running calls a loss waits for or interrupts, and for how long. */
class LeaderOnlyExecutionsTests {

  private static final LeadershipTerm TERM_1 = new LeadershipTerm("l", "ns", "me", 1, Instant.EPOCH);
  private static final LeadershipTerm TERM_1_AGAIN = new LeadershipTerm("l", "ns", "me", 1, Instant.EPOCH.plusSeconds(9));

  private final LeaderOnlyExecutions executions = new LeaderOnlyExecutions(Duration.ofMillis(300));

  @Test
  void aLossWithNothingRunningReturnsAtOnce() {
    assertThat(timeOf(() -> executions.onLost(TERM_1, LossReason.SHUTDOWN))).isLessThan(Duration.ofMillis(100));
  }

  @Test
  void callsOfALaterTermAreNeitherWaitedForNorInterrupted() throws Exception {
    // Re-acquiring its own record keeps the token: the term, not the token, tells them apart.
    CountDownLatch end = new CountDownLatch(1);
    CompletableFuture<Boolean> call = run(OnLoss.INTERRUPT, TERM_1_AGAIN, end);
    assertThat(timeOf(() -> executions.onLost(TERM_1, LossReason.DEADLINE_PASSED))).isLessThan(Duration.ofMillis(200));
    end.countDown();
    assertThat(call.get(5, TimeUnit.SECONDS)).as("interrupted").isFalse();
  }

  @Test
  void theLostTermsInterruptCallsAreInterruptedAndWaitedFor() throws Exception {
    CompletableFuture<Boolean> call = run(OnLoss.INTERRUPT, TERM_1, new CountDownLatch(1));
    executions.onLost(TERM_1, LossReason.LEASE_TAKEN);
    assertThat(executions.runningCount()).isZero(); // returned only once the call had ended
    assertThat(call.get(1, TimeUnit.SECONDS)).as("interrupted").isTrue();
  }

  @Test
  void waitingForFinishCallsIsBounded() throws Exception {
    CountDownLatch end = new CountDownLatch(1);
    CompletableFuture<Boolean> call = run(OnLoss.FINISH, TERM_1, end);
    Duration waited = timeOf(() -> executions.onLost(TERM_1, LossReason.SHUTDOWN));
    assertThat(waited).isBetween(Duration.ofMillis(250), Duration.ofSeconds(2));
    assertThat(call).isNotDone();
    end.countDown();
    assertThat(call.get(5, TimeUnit.SECONDS)).isFalse();
  }

  @Test
  void anUndecidedCallIsWaitedForUntilItSkips() throws Exception {
    LeaderOnlyExecutions.Execution e = executions.enter("Job.run", OnLoss.FINISH);
    CompletableFuture<Void> loss = CompletableFuture.runAsync(() -> executions.onLost(TERM_1, LossReason.SHUTDOWN));
    Thread.sleep(100);
    assertThat(loss).isNotDone();
    executions.skipped(e);
    loss.get(1, TimeUnit.SECONDS);
    assertThat(executions.skippedCounts()).containsEntry("Job.run", 1L);
  }

  /** A call in {@code term} on its own thread; completes with whether it saw an interrupt. */
  private CompletableFuture<Boolean> run(OnLoss onLoss, LeadershipTerm term, CountDownLatch end) throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<Boolean> result = CompletableFuture.supplyAsync(() -> {
      LeaderOnlyExecutions.Execution e = executions.enter("Job.run", onLoss);
      executions.proceeding(e, term);
      started.countDown();
      boolean interrupted;
      try {
        interrupted = !end.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException ex) {
        interrupted = true;
      } finally {
        executions.exit(e);
      }
      return interrupted && !Thread.currentThread().isInterrupted();
    });
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    return result;
  }

  private static Duration timeOf(Runnable action) {
    long start = System.nanoTime();
    action.run();
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
