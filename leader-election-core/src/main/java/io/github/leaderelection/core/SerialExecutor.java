package io.github.leaderelection.core;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs tasks one at a time, in submission order, on a delegate executor of any kind (a
 * thread pool, virtual threads). Listener notifications need that order (rules 13, 15).
 *
 * <p>If the delegate rejects the drain, the queue is left ready for the next submission (it is
 * not marked running), and the rejection reaches the caller: a rejection must never leave every
 * later notification queued forever (rule 14).
 */
final class SerialExecutor implements Executor {

  private final Executor delegate;
  private final Queue<Runnable> tasks = new ArrayDeque<>();
  private boolean running;

  SerialExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (tasks) {
      tasks.add(task);
      if (running) {
        return;
      }
      running = true;
    }
    try {
      delegate.execute(this::drain);
    } catch (RejectedExecutionException | Error e) {
      synchronized (tasks) {
        tasks.remove(task);
        running = false;
      }
      throw e;
    }
  }

  private void drain() {
    while (true) {
      Runnable next;
      synchronized (tasks) {
        next = tasks.poll();
        if (next == null) {
          running = false;
          return;
        }
      }
      try {
        next.run();
      } catch (RuntimeException | Error e) {
        // A task's failure must not stop the tasks behind it; tasks log their own failures.
        continue;
      }
    }
  }
}
