package io.github.leaderelection.spring.test;

import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.spring.LeaderOnly;
import io.github.leaderelection.spring.LeaderOnlyContext;
import io.github.leaderelection.spring.leaderonly.LeaderOnlyExecutions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Every call of a {@link LeaderOnly} method, in the order the calls were decided: run
 * (admitted, this instance led) or skipped. Recorded from the starter's own per-call
 * notification ({@link LeaderOnlyExecutions#addInvocationListener}), so what it shows is what
 * the {@code @LeaderOnly} advice decided. A bean of the kit ({@link AutoConfigureLeaderElectionControl});
 * emptied before each test method with {@link LeadershipControl#reset()}.
 *
 * <p>Methods are named as the starter names them (and tags its {@code leader.only.invocations}
 * meter): the short class name of the target and the method name,
 * {@code "CleanupJob.purgeExpiredOrders"} ({@code "Outer.Inner.method"} for a nested class).
 *
 * <pre>{@code
 * leadership.revoke();
 * assertThat(invocations.awaitNext("CleanupJob.purgeExpiredOrders").executed()).isFalse();
 * leadership.grant();
 * invocations.awaitExecuted("CleanupJob.purgeExpiredOrders");
 * }</pre>
 *
 * <h2>Why "next" is reliable after a revoke</h2>
 * {@link LeadershipControl#revoke()} returns once the lost event was delivered, and the starter
 * publishes it only after the calls admitted in the term have returned: a call recorded after
 * {@code revoke()} returned was decided after the loss, so it was skipped, unless leadership came
 * back meanwhile. After a grant, a call decided a moment before it may still be recorded as
 * skipped just after it: wait for the next executed call ({@link #awaitExecuted}) rather than
 * the next call.
 */
public final class LeaderOnlyInvocations {

  /**
   * One decided call of a {@link LeaderOnly} method.
   *
   * @param method the method, as "ShortClassName.method"
   * @param executed true when the call ran (this instance led), false when it was skipped
   * @param fencingToken the fencing token of the term the call ran in; empty when skipped
   * @param thread the name of the calling thread
   */
  public record Invocation(String method, boolean executed, OptionalLong fencingToken, String thread) {

    /** Whether the call was skipped. */
    public boolean skipped() {
      return !executed;
    }
  }

  private record Entry(long sequence, Invocation invocation) {}

  private final Object lock = new Object();
  private final Duration timeout;
  private final @Nullable LeaderOnlyContext context;
  private final List<Entry> entries = new ArrayList<>(); // guarded by lock
  private long sequence; // guarded by lock; keeps counting across clear()

  /**
   * @param executions the starter's call tracker, null when {@code @LeaderOnly} is not set up
   *     (then nothing is recorded)
   */
  LeaderOnlyInvocations(@Nullable LeaderOnlyExecutions executions, Duration timeout) {
    this.timeout = timeout;
    this.context = executions;
    if (executions != null) {
      executions.addInvocationListener(this::record);
    }
  }

  /** On the calling thread, after the check, before the method runs: must be fast. */
  private void record(String method, boolean executed) {
    OptionalLong token = OptionalLong.empty();
    if (executed && context != null) {
      // The admitted call's term is bound to this thread before the listener is called.
      token = context.currentTerm().map(LeadershipTerm::fencingToken)
          .map(OptionalLong::of).orElse(OptionalLong.empty());
    }
    Invocation invocation = new Invocation(method, executed, token, Thread.currentThread().getName());
    synchronized (lock) {
      entries.add(new Entry(++sequence, invocation));
      lock.notifyAll();
    }
  }

  /** Every recorded call, in order. */
  public List<Invocation> all() {
    return select(i -> true);
  }

  /** The recorded calls of {@code method}, in order. */
  public List<Invocation> of(String method) {
    return select(i -> i.method().equals(method));
  }

  /** The calls that ran, in order. */
  public List<Invocation> executed() {
    return select(Invocation::executed);
  }

  /** The calls of {@code method} that ran, in order. */
  public List<Invocation> executed(String method) {
    return select(i -> i.executed() && i.method().equals(method));
  }

  /** The calls that were skipped, in order. */
  public List<Invocation> skipped() {
    return select(Invocation::skipped);
  }

  /** The calls of {@code method} that were skipped, in order. */
  public List<Invocation> skipped(String method) {
    return select(i -> i.skipped() && i.method().equals(method));
  }

  /**
   * Waits for the next call of {@code method}, one recorded after this method was called, run or
   * skipped; for a scheduled job, its next run.
   *
   * @throws AssertionError when there is none within the kit's timeout ({@code leader.election.test.await-timeout})
   */
  public Invocation awaitNext(String method) {
    return awaitNext(method, timeout);
  }

  /** As {@link #awaitNext(String)}, waiting at most {@code timeout}. */
  public Invocation awaitNext(String method, Duration timeout) {
    return awaitAfterNow(method, "call", i -> true, timeout);
  }

  /**
   * Waits for the next call of {@code method} that runs, recorded after this method was called.
   *
   * @throws AssertionError when there is none within the kit's timeout
   */
  public Invocation awaitExecuted(String method) {
    return awaitExecuted(method, timeout);
  }

  /** As {@link #awaitExecuted(String)}, waiting at most {@code timeout}. */
  public Invocation awaitExecuted(String method, Duration timeout) {
    return awaitAfterNow(method, "executed call", Invocation::executed, timeout);
  }

  /**
   * Waits for the next call of {@code method} that is skipped, recorded after this method was
   * called.
   *
   * @throws AssertionError when there is none within the kit's timeout
   */
  public Invocation awaitSkipped(String method) {
    return awaitSkipped(method, timeout);
  }

  /** As {@link #awaitSkipped(String)}, waiting at most {@code timeout}. */
  public Invocation awaitSkipped(String method, Duration timeout) {
    return awaitAfterNow(method, "skipped call", Invocation::skipped, timeout);
  }

  /** Forgets the recorded calls (what {@link LeadershipControl#reset()} does before each test). */
  public void clear() {
    synchronized (lock) {
      entries.clear();
    }
  }

  private Invocation awaitAfterNow(String method, String what, Predicate<Invocation> condition, Duration timeout) {
    long after;
    synchronized (lock) {
      after = sequence;
    }
    Invocation found = Waits.until(lock, timeout, () -> earliestMatch(method, condition, after));
    if (found == null) {
      List<Invocation> seen = of(method);
      throw new AssertionError("No " + what + " of " + method + " within " + Waits.format(timeout)
          + (seen.isEmpty() ? "; no call of it recorded at all (is the method name right, "
              + "\"ShortClassName.method\"? recorded: " + all() + ")"
              : "; its last recorded calls: " + seen.subList(Math.max(0, seen.size() - 5), seen.size())));
    }
    return found;
  }

  /** Under lock: the first entry after {@code after} that matches. */
  private @Nullable Invocation earliestMatch(String method, Predicate<Invocation> condition, long after) {
    for (Entry e : entries) {
      if (e.sequence() > after && e.invocation().method().equals(method) && condition.test(e.invocation())) {
        return e.invocation();
      }
    }
    return null;
  }

  private List<Invocation> select(Predicate<Invocation> filter) {
    synchronized (lock) {
      return entries.stream().map(Entry::invocation).filter(filter).toList();
    }
  }

  @Override
  public String toString() {
    return "LeaderOnlyInvocations" + all();
  }
}
