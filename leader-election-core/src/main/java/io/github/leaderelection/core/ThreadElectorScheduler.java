package io.github.leaderelection.core;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The production {@link ElectorScheduler}: one named daemon thread. */
final class ThreadElectorScheduler implements ElectorScheduler {

  private static final Logger log = LoggerFactory.getLogger(LeaderElector.class);

  private final ScheduledThreadPoolExecutor executor;
  private volatile Thread thread;

  ThreadElectorScheduler(ThreadFactory threadFactory) {
    this.executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = threadFactory.newThread(r);
      thread = t;
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override
  public Task schedule(Runnable task, long delayNanos) {
    ScheduledFuture<?> f = executor.schedule(guard(task), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }

  @Override
  public void execute(Runnable task) {
    if (!executor.isShutdown()) {
      executor.execute(guard(task));
    }
  }

  @Override
  public boolean inSchedulerThread() {
    return Thread.currentThread() == thread;
  }

  @Override
  public void shutdown(Duration timeout) {
    executor.shutdownNow();
    if (inSchedulerThread()) {
      return;
    }
    try {
      if (!executor.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        log.warn("Leader elector thread did not stop within {}", Durations.format(timeout));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Runnable guard(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        // Never let one failed step end the loop: the elector re-arms its own timers.
        log.error("Leader elector step failed", e);
      }
    };
  }
}
