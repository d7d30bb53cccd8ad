package io.github.leaderelection.spring.leaderonly;

import io.github.leaderelection.core.LeadershipListener;
import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.core.LossReason;
import io.github.leaderelection.spring.LeaderOnly;
import io.github.leaderelection.spring.LeaderOnlyContext;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;

/**
 * Tracks {@link LeaderOnly} calls: the ones running, per term, and the ones skipped.
 *
 * <p>As a core {@link LeadershipListener} (registered first, before the listener that
 * publishes the lost event) it ends a term's leader work: on loss it interrupts the term's
 * {@link LeaderOnly.OnLoss#INTERRUPT} calls and waits, bounded, for all of the term's calls
 * to return. The elector's close() waits for lost-listeners before it releases the lease, so
 * on shutdown leader work ends before the lease is released.
 *
 * <p>The counters are for metrics: {@link #skippedCount()}, {@link #skippedCounts()},
 * {@link #executedCount()}, {@link #runningCount()}; an {@link InvocationListener} hears of
 * each call as it is decided.
 *
 * <p>It is also the {@link LeaderOnlyContext}: the term an admitted call runs in is bound to
 * its thread until the call returns.
 */
public class LeaderOnlyExecutions implements LeadershipListener, LeaderOnlyContext, Ordered {

  private static final Logger log = LoggerFactory.getLogger(LeaderOnlyExecutions.class);

  /** One call of a {@link LeaderOnly} method, from its leadership check until it returns. */
  static final class Execution {
    private final Thread thread = Thread.currentThread();
    private final String method;
    private final String election;
    private final LeaderOnly.OnLoss onLoss;
    private LeadershipTerm term; // null while undecided; guarded by the tracker's lock
    private boolean interrupted;
    private boolean bound; // confined to the calling thread, like outer
    private Execution outer; // the @LeaderOnly call this one is nested in, if any

    private Execution(String method, String election, LeaderOnly.OnLoss onLoss) {
      this.method = method;
      this.election = election;
      this.onLoss = onLoss;
    }
  }

  /** Hears of each {@link LeaderOnly} call once its leadership check decided it. */
  @FunctionalInterface
  public interface InvocationListener {

    /**
     * Called on the calling thread, before the method runs or is skipped: must be fast.
     *
     * @param method the method, as "SimpleClassName.method"
     * @param executed true when the method runs, false when it is skipped
     */
    void invoked(String method, boolean executed);

    /**
     * As {@link #invoked(String, boolean)}, with the election the method gates on; by default
     * that method, for listeners that do not tell elections apart.
     *
     * @param election the election's name ({@code default} for the default one)
     * @param method the method, as "SimpleClassName.method"
     * @param executed true when the method runs, false when it is skipped
     */
    default void invoked(String election, String method, boolean executed) {
      invoked(method, executed);
    }
  }

  private final Duration lossTimeout;
  private final List<InvocationListener> invocationListeners = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  private final Set<Execution> running = new HashSet<>(); // guarded by lock
  private final LongAdder skipped = new LongAdder();
  private final LongAdder executed = new LongAdder();
  private final Map<String, LongAdder> skippedByMethod = new ConcurrentHashMap<>();
  /**
   * The admitted call running on each thread, for {@link #currentTerm()}. A thread-local is
   * the only place a call's own term can live without changing the method's signature; it is
   * an instance field, not static, so each application context has its own, and it is reset in
   * {@link #exit} (a finally block of the interceptor), so pooled threads keep no stale term.
   */
  private final ThreadLocal<Execution> current = new ThreadLocal<>();

  /**
   * @param lossTimeout how long a loss of leadership waits for running calls; use the
   *     elector's shutdown timeout, after which it releases the lease anyway
   */
  public LeaderOnlyExecutions(Duration lossTimeout) {
    this.lossTimeout = lossTimeout;
  }

  /**
   * Registers a call on the current thread before its leadership check, so a loss that
   * happens during the check still waits for it.
   */
  Execution enter(String method, LeaderOnly.OnLoss onLoss) {
    return enter(method, io.github.leaderelection.spring.LeaderElections.DEFAULT, onLoss);
  }

  /** As {@link #enter(String, LeaderOnly.OnLoss)}, for a method of the named election. */
  Execution enter(String method, String election, LeaderOnly.OnLoss onLoss) {
    Execution e = new Execution(method, election, onLoss);
    synchronized (lock) {
      running.add(e);
    }
    return e;
  }

  /** The check passed: the call runs in {@code term}. */
  void proceeding(Execution e, LeadershipTerm term) {
    executed.increment();
    synchronized (lock) {
      e.term = term;
      lock.notifyAll(); // a waiting loss re-evaluates whether this call belongs to its term
    }
    e.outer = current.get();
    e.bound = true;
    current.set(e);
    notifyInvoked(e.method, e.election, true);
  }

  /**
   * The term of the admitted {@link LeaderOnly} call running on this thread (the innermost
   * one when calls are nested); empty outside such a call. See {@link LeaderOnlyContext}.
   */
  @Override
  public Optional<LeadershipTerm> currentTerm() {
    Execution e = current.get();
    return e == null ? Optional.empty() : Optional.of(e.term); // set on this thread before binding
  }

  /** The check failed: the call is skipped. */
  void skipped(Execution e) {
    skipped.increment();
    skippedByMethod.computeIfAbsent(e.method, m -> new LongAdder()).increment();
    try {
      notifyInvoked(e.method, e.election, false);
    } finally {
      exit(e);
    }
  }

  private void notifyInvoked(String method, String election, boolean executed) {
    for (InvocationListener l : invocationListeners) {
      try {
        l.invoked(election, method, executed);
      } catch (RuntimeException ex) {
        // Metrics must never break the application's call.
        log.warn("@LeaderOnly invocation listener {} failed", l, ex);
      }
    }
  }

  /** Adds a listener that hears of every later {@link LeaderOnly} call, e.g. for metrics. */
  public void addInvocationListener(InvocationListener listener) {
    invocationListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** The call returned or threw. */
  void exit(Execution e) {
    if (e.bound) {
      if (e.outer != null) {
        current.set(e.outer);
      } else {
        current.remove();
      }
    }
    boolean interruptedByUs;
    synchronized (lock) {
      running.remove(e);
      interruptedByUs = e.interrupted;
      lock.notifyAll();
    }
    if (interruptedByUs) {
      // The interrupt was meant for the method only; it must not reach the caller's thread.
      // Safe: once removed above, this call can no longer be interrupted by a loss.
      Thread.interrupted();
    }
  }

  @Override
  public void onLost(LeadershipTerm term, LossReason reason) {
    long deadline = System.nanoTime() + lossTimeout.toNanos();
    synchronized (lock) {
      while (true) {
        int waitingFor = 0;
        for (Execution e : running) {
          // Calls of a later term (re-elected before this notification) are not affected;
          // undecided calls are in their check and skip, or join a term, in a moment.
          if (e.term != null && !e.term.equals(term)) {
            continue;
          }
          waitingFor++;
          if (e.onLoss == LeaderOnly.OnLoss.INTERRUPT && e.term != null && !e.interrupted) {
            e.interrupted = true;
            log.debug("Interrupting {} on {}: leadership lost ({})", e.method, e.thread.getName(), reason);
            e.thread.interrupt();
          }
        }
        if (waitingFor == 0) {
          return;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          log.warn("{} @LeaderOnly call(s) still running {} ms after leadership of {}/{} ended ({});"
              + " not waiting longer", waitingFor, lossTimeout.toMillis(), term.namespace(), term.leaseName(), reason);
          return;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Runs first among the elector's listeners: leader work ends before the lost event. */
  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }

  /** Calls skipped because this instance was not the leader, since startup. */
  public long skippedCount() {
    return skipped.sum();
  }

  /** Skipped calls per method ("SimpleClassName.method"), since startup. */
  public Map<String, Long> skippedCounts() {
    Map<String, Long> counts = new TreeMap<>();
    skippedByMethod.forEach((method, n) -> counts.put(method, n.sum()));
    return counts;
  }

  /** Calls that passed the leadership check, since startup. */
  public long executedCount() {
    return executed.sum();
  }

  /** Calls running now, including ones being checked. */
  public int runningCount() {
    synchronized (lock) {
      return running.size();
    }
  }
}
