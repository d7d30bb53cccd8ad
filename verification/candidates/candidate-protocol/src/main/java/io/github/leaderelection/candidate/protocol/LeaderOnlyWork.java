package io.github.leaderelection.candidate.protocol;

import java.util.function.BooleanSupplier;

/**
 * The leader-only work of a program whose elector has no fencing token (its lines carry
 * {@code -1}): every {@code --work-interval-ms} it checks {@code leading} and, when it leads,
 * prints {@code WORK_START}, works {@code --work-duration-ms} and prints {@code WORK_END}.
 */
public final class LeaderOnlyWork {

  private LeaderOnlyWork() {}

  /**
   * {@link #run} on a daemon thread of its own, started: the work of one lease of several
   * ({@code --leases}), reported on that lease's {@code report}. Null when the work interval is zero.
   */
  public static Thread start(BooleanSupplier leading, CandidateArgs args, Report report, String name) {
    if (args.workInterval().isZero()) {
      return null;
    }
    Thread thread = new Thread(() -> {
      try {
        run(leading, args, report);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** Runs until the thread is interrupted; returns at once when the work interval is zero. */
  public static void run(BooleanSupplier leading, CandidateArgs args, Report report) throws InterruptedException {
    if (args.workInterval().isZero()) {
      return;
    }
    long seq = 0;
    while (true) {
      Thread.sleep(args.workInterval().toMillis());
      if (!leading.getAsBoolean()) {
        continue;
      }
      long n = ++seq;
      report.workStart(n, "-1");
      Thread.sleep(args.workDuration().toMillis());
      report.workEnd(n);
    }
  }
}
