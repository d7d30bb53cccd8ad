package io.github.leaderelection.core;

import java.time.Duration;

/**
 * The elector's single thread: every state change runs on it, one task at a time, so the
 * algorithm needs no locks. Tests use a deterministic implementation driven by a fake
 * ticker.
 */
interface ElectorScheduler {

  /** A scheduled task that can be cancelled. */
  interface Task {
    void cancel();
  }

  /** Runs {@code task} after {@code delayNanos} (at once when not positive). */
  Task schedule(Runnable task, long delayNanos);

  /** Runs {@code task} as soon as possible, after tasks already due. */
  void execute(Runnable task);

  /** Whether the caller runs on the scheduler's thread. */
  boolean inSchedulerThread();

  /** Stops the thread, waiting up to {@code timeout} for a running task to finish. */
  void shutdown(Duration timeout);
}
