package io.github.leaderelection.spring.test;

import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.spring.LeaderElections;
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
 *
 * <h2>Several elections</h2>
 * Each call records the election its method gates on ({@code @LeaderOnly("billing")}:
 * {@code "billing"}; the default election's calls {@value LeaderElections#DEFAULT}), and
 * {@link #election(String)} gives the same methods for the calls of one election:
 *
 * <pre>{@code
 * leadership.election("billing").revoke();
 * assertThat(invocations.election("billing").awaitNext("InvoiceJob.send").skipped()).isTrue();
 * assertThat(invocations.election("cache").skipped()).isEmpty();
 * }</pre>
 */
public final class LeaderOnlyInvocations {

  /**
   * One decided call of a {@link LeaderOnly} method.
   *
   * @param election the election the method gates on ({@link LeaderOnly#value()}),
   *     {@value LeaderElections#DEFAULT} for the default one
   * @param method the method, as "ShortClassName.method"
   * @param executed true when the call ran (this instance led), false when it was skipped
   * @param fencingToken the fencing token of the term the call ran in; empty when skipped
   * @param thread the name of the calling thread
   */
  public record Invocation(String election, String method, boolean executed, OptionalLong fencingToken,
      String thread) {

    /** Whether the call was skipped. */
    public boolean skipped() {
      return !executed;
    }
  }

  private record Entry(long sequence, Invocation invocation) {}

  /** What the bean records, shared with its per-election views. */
  private static final class Recorded {
    final Object lock = new Object();
    final List<Entry> entries = new ArrayList<>(); // guarded by lock
    long sequence; // guarded by lock; keeps counting across clear()
  }

  private final Recorded recorded;
  private final KitElections elections;
  private final @Nullable LeaderOnlyContext context;
  /** The election this view shows; null for all of them (the bean). */
  private final @Nullable String election;

  /**
   * @param executions the starter's call tracker, null when {@code @LeaderOnly} is not set up
   *     (then nothing is recorded)
   */
  LeaderOnlyInvocations(@Nullable LeaderOnlyExecutions executions, KitElections elections) {
    this(new Recorded(), elections, executions, null);
    if (executions != null) {
      executions.addInvocationListener(new Recorder());
    }
  }

  private LeaderOnlyInvocations(Recorded recorded, KitElections elections, @Nullable LeaderOnlyContext context,
      @Nullable String election) {
    this.recorded = recorded;
    this.elections = elections;
    this.context = context;
    this.election = election;
  }

  /**
   * Hears of each call. Not a lambda: that would implement only the two-argument method, and the
   * interface's default three-argument one, the one the starter calls, would drop the election.
   */
  private final class Recorder implements LeaderOnlyExecutions.InvocationListener {

    @Override
    public void invoked(String election, String method, boolean executed) {
      record(election, method, executed);
    }

    /** Not called by the starter, which names the election; a caller that does not means the default. */
    @Override
    public void invoked(String method, boolean executed) {
      record(LeaderElections.DEFAULT, method, executed);
    }

    @Override
    public String toString() {
      return "test kit recorder of @LeaderOnly calls";
    }
  }

  /** On the calling thread, after the check, before the method runs: must be fast. */
  private void record(String election, String method, boolean executed) {
    OptionalLong token = OptionalLong.empty();
    if (executed && context != null) {
      // The admitted call's term is bound to this thread before the listener is called.
      token = context.currentTerm().map(LeadershipTerm::fencingToken)
          .map(OptionalLong::of).orElse(OptionalLong.empty());
    }
    Invocation invocation = new Invocation(election.isEmpty() ? LeaderElections.DEFAULT : election, method,
        executed, token, Thread.currentThread().getName());
    synchronized (recorded.lock) {
      recorded.entries.add(new Entry(++recorded.sequence, invocation));
      recorded.lock.notifyAll();
    }
  }

  /**
   * The calls of methods that gate on the election named {@code name} only, with the same
   * methods as this bean: {@link LeaderElections#DEFAULT} (or "") for the default election's
   * ({@code @LeaderOnly} without a name), else a name configured under
   * {@code leader.election.elections}. Its {@link #clear()} forgets that election's calls only.
   *
   * @throws IllegalArgumentException when no election has that name; the message lists the
   *     names there are
   */
  public LeaderOnlyInvocations election(String name) {
    return new LeaderOnlyInvocations(recorded, elections, context, elections.resolve(name));
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
    return awaitNext(method, timeout());
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
    return awaitExecuted(method, timeout());
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
    return awaitSkipped(method, timeout());
  }

  /** As {@link #awaitSkipped(String)}, waiting at most {@code timeout}. */
  public Invocation awaitSkipped(String method, Duration timeout) {
    return awaitAfterNow(method, "skipped call", Invocation::skipped, timeout);
  }

  /**
   * Forgets the recorded calls (what {@link LeadershipControl#reset()} does before each test);
   * on a view, those of its election only.
   */
  public void clear() {
    synchronized (recorded.lock) {
      recorded.entries.removeIf(e -> inView(e.invocation()));
    }
  }

  private Invocation awaitAfterNow(String method, String what, Predicate<Invocation> condition, Duration timeout) {
    long after;
    synchronized (recorded.lock) {
      after = recorded.sequence;
    }
    Invocation found = Waits.until(recorded.lock, timeout, () -> earliestMatch(method, condition, after));
    if (found == null) {
      List<Invocation> seen = of(method);
      throw new AssertionError("No " + what + " of " + method
          + (election == null ? "" : " in election '" + election + "'") + " within " + Waits.format(timeout)
          + (seen.isEmpty() ? "; no call of it recorded at all (is the method name right, "
              + "\"ShortClassName.method\"" + (election == null ? "" : ", and its election") + "? recorded: "
              + all() + ")"
              : "; its last recorded calls: " + seen.subList(Math.max(0, seen.size() - 5), seen.size())));
    }
    return found;
  }

  /** Under lock: the first entry after {@code after} that matches. */
  private @Nullable Invocation earliestMatch(String method, Predicate<Invocation> condition, long after) {
    for (Entry e : recorded.entries) {
      Invocation i = e.invocation();
      if (e.sequence() > after && inView(i) && i.method().equals(method) && condition.test(i)) {
        return i;
      }
    }
    return null;
  }

  /** A wait on a view is as long as a change of its election may take; on the bean, the longest. */
  private Duration timeout() {
    return election == null ? elections.longestAwaitTimeout() : elections.awaitTimeout(election);
  }

  private boolean inView(Invocation invocation) {
    return election == null || election.equals(invocation.election());
  }

  private List<Invocation> select(Predicate<Invocation> filter) {
    synchronized (recorded.lock) {
      return recorded.entries.stream().map(Entry::invocation).filter(i -> inView(i) && filter.test(i)).toList();
    }
  }

  @Override
  public String toString() {
    return "LeaderOnlyInvocations" + (election == null ? "" : "{" + election + "}") + all();
  }
}
