package io.github.leaderelection.candidate.clientjava;

import io.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.kubernetes.client.extended.leaderelection.LeaderElector;
import io.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.FileReader;
import java.io.Reader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A candidate process on client-java-extended's {@link LeaderElector} with a {@link LeaseLock}
 * (benchmark and comparison only; see ../PROTOCOL.md).
 *
 * <p>How that elector is meant to be used, and what this program therefore does:
 * <ul>
 *   <li>{@link LeaderElector#run(Runnable, Runnable)} blocks while competing and leading, and
 *       returns once leadership is lost; it does not compete again by itself, so a loop calls
 *       it again (its Javadoc asks the caller to).
 *   <li>The start hook runs on the elector's hook thread; the stop hook runs on the thread that
 *       called {@code run}, and also when this candidate never led. ELECTED/LOST are printed
 *       only for terms that really started, in order.
 *   <li>{@link LeaderElector#close()} stops its executors and, if this candidate holds the
 *       lease, writes an empty record (holder null): that is its release. It is called first
 *       on SIGTERM / stdin EOF; the blocked {@code run} is then interrupted, which delivers the
 *       stop hook (so LOST comes after the release with this implementation).
 *   <li>There is no renewal callback and no fencing token: no RENEWED lines, token {@code -1}.
 *       Leader-only work checks the flag set by the start/stop hooks.
 * </ul>
 */
public final class ClientJavaCandidate {

  private ClientJavaCandidate() {}

  public static void main(String[] argv) throws Exception {
    CandidateArgs args = CandidateArgs.parse(argv);
    if (!args.wallOffset().isZero()) {
      // Its expiry uses System.currentTimeMillis() with no way to inject a clock: refuse
      // rather than run a clock-skew experiment that silently has no skew.
      System.err.println("UNSUPPORTED --wall-offset-ms: client-java's LeaderElector has no injectable clock");
      System.exit(2);
    }
    Report report = new Report();
    ApiClient client;
    try (Reader r = new FileReader(args.kubeconfig().toFile())) {
      client = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(r)).build();
    }
    LeaseLock lock = new LeaseLock(args.namespace(), args.lease(), args.identity(), client);
    LeaderElectionConfig config = new LeaderElectionConfig(
        lock, args.leaseDuration(), args.renewDeadline(), args.retryPeriod());
    LeaderElector elector = new LeaderElector(config);

    AtomicBoolean stopping = new AtomicBoolean();
    Terms terms = new Terms(report);
    Thread electionThread = new Thread(() -> {
      while (!stopping.get()) {
        long term = terms.next();
        long startedAt = System.nanoTime();
        elector.run(() -> terms.elected(term), () -> terms.lost(term, stopping.get() ? "SHUTDOWN" : "RUN_RETURNED"));
        if (!stopping.get() && !terms.wasElected(term)) {
          // run() returned without a term (an error in its acquire loop): do not spin.
          sleepQuietly(Math.max(0, args.retryPeriod().toMillis() - (System.nanoTime() - startedAt) / 1_000_000));
        }
      }
    }, "candidate-election");

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopping.set(true);
      elector.close(); // releases the lease when held
      electionThread.interrupt(); // run() is blocked in its acquire or renew loop
      try {
        electionThread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      report.line("CLOSED", Report.now());
      stopped.countDown();
    }, "candidate-shutdown"));
    Thread stdinWatcher = new Thread(() -> {
      try {
        java.io.BufferedReader in = new java.io.BufferedReader(
            new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
        String command;
        while ((command = in.readLine()) != null) {
          // Commands of PROTOCOL.md (STEP_DOWN, SLOW_LOST): this elector has no such hook, so
          // each one is answered as unsupported and otherwise ignored.
          if (!command.isBlank()) {
            report.line("UNSUPPORTED", Report.now(), command.trim().split("\\s+")[0]);
          }
        }
      } catch (Exception ignored) {
        // treat as closed
      }
      System.exit(0); // runs the shutdown hook
    }, "candidate-stdin");
    stdinWatcher.setDaemon(true);

    electionThread.start();
    report.line("READY", args.identity(), Long.toString(ProcessHandle.current().pid()));
    stdinWatcher.start();
    if (!args.workInterval().isZero()) {
      runLeaderOnlyWork(terms, args, report);
    }
    stopped.await();
  }

  private static void runLeaderOnlyWork(Terms terms, CandidateArgs args, Report report)
      throws InterruptedException {
    AtomicLong seq = new AtomicLong();
    while (true) {
      Thread.sleep(args.workInterval().toMillis());
      if (!terms.leading()) {
        continue;
      }
      String n = Long.toString(seq.incrementAndGet());
      report.line("WORK_START", Report.now(), n, "-1");
      Thread.sleep(args.workDuration().toMillis());
      report.line("WORK_END", Report.now(), n);
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * ELECTED/LOST per call of {@code run}: the start hook runs asynchronously, so it may come
   * after the stop hook of the same call; then neither line is printed.
   */
  private static final class Terms {
    private final Report report;
    private long current = -1;
    private long electedTerm = -1;
    private long endedTerm = -1;
    private volatile boolean leading;

    Terms(Report report) {
      this.report = report;
    }

    synchronized long next() {
      return ++current;
    }

    synchronized void elected(long term) {
      if (endedTerm < term) {
        electedTerm = term;
        leading = true;
        report.line("ELECTED", Report.now(), "-1");
      }
    }

    synchronized void lost(long term, String reason) {
      endedTerm = term;
      if (electedTerm == term && leading) {
        leading = false;
        report.line("LOST", Report.now(), reason);
      }
    }

    synchronized boolean wasElected(long term) {
      return electedTerm == term;
    }

    boolean leading() {
      return leading;
    }
  }
}
