package io.github.leaderelection.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.Executor;

/**
 * A deterministic world for unit tests: one fake monotonic clock, and one task queue shared
 * by every elector's thread and listener thread. Time moves only in {@link #advance}, which
 * runs due tasks in order. A thread can be frozen (a GC pause, SIGSTOP): its tasks wait until
 * it is thawed, while time goes on. Invariants registered with {@link #afterEachStep} are
 * checked after every task.
 */
final class FakeWorld implements Ticker {

  private static final Instant EPOCH = Instant.parse("2026-11-21T10:00:00Z");

  private record Job(long due, long seq, Lane lane, Runnable body) {}

  /** One simulated thread. */
  final class Lane implements ElectorScheduler, Executor {
    private final String name;
    private boolean frozen;
    private boolean shutDown;

    Lane(String name) {
      this.name = name;
    }

    @Override
    public ElectorScheduler.Task schedule(Runnable task, long delayNanos) {
      Job t = enqueue(this, now + Math.max(0, delayNanos), task);
      return () -> queue.remove(t);
    }

    @Override
    public void execute(Runnable task) {
      enqueue(this, now, task);
    }

    @Override
    public boolean inSchedulerThread() {
      return running == this;
    }

    @Override
    public void shutdown(Duration timeout) {
      shutDown = true;
      queue.removeIf(t -> t.lane == this);
    }

    /** Stops running this thread's tasks; they wait, as in a paused process. */
    void freeze() {
      frozen = true;
    }

    /** Lets this thread run again; overdue tasks run at once. */
    void thaw() {
      frozen = false;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private final PriorityQueue<Job> queue = new PriorityQueue<>(
      (a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
  private final List<Runnable> invariants = new ArrayList<>();
  private long now = 1_000_000_000_000L;
  private long seq;
  private Lane running;

  @Override
  public long nanoTime() {
    return now;
  }

  /** A new simulated thread. */
  Lane lane(String name) {
    return new Lane(name);
  }

  /** A wall clock that runs with the fake monotonic clock, offset by {@code offset}. */
  Clock wallClock(Duration offset) {
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return EPOCH.plusNanos(now - 1_000_000_000_000L).plus(offset);
      }
    };
  }

  /** Checks {@code check} after every task that runs. */
  void afterEachStep(Runnable check) {
    invariants.add(check);
  }

  /** Moves time forward by {@code d}, running every task that falls due, in order. */
  void advance(Duration d) {
    long target = now + d.toNanos();
    while (true) {
      Job next = nextRunnable();
      if (next == null || next.due > target) {
        break;
      }
      queue.remove(next);
      now = Math.max(now, next.due);
      run(next);
    }
    now = Math.max(now, target); // a slow request may have moved time past the target
  }

  /** Runs every task due now (time does not move). */
  void runDue() {
    advance(Duration.ZERO);
  }

  /** Moves time directly, running nothing: everything is as if all threads were paused. */
  void jump(Duration d) {
    now += d.toNanos();
  }

  /** Makes time pass inside a running task, as a slow request does. */
  void elapse(Duration d) {
    now += d.toNanos();
  }

  private Job nextRunnable() {
    Job best = null;
    for (Job t : queue) {
      if (!t.lane.frozen && (best == null || t.due < best.due || (t.due == best.due && t.seq < best.seq))) {
        best = t;
      }
    }
    return best;
  }

  private Job enqueue(Lane lane, long due, Runnable body) {
    if (lane.shutDown) {
      return new Job(due, -1, lane, body);
    }
    Job t = new Job(due, seq++, lane, body);
    queue.add(t);
    return t;
  }

  private void run(Job t) {
    Lane previous = running;
    running = t.lane;
    try {
      t.body.run();
    } finally {
      running = previous;
    }
    for (Runnable check : invariants) {
      check.run();
    }
  }
}
