package io.github.leaderelection.candidate.clientjava;

import io.github.leaderelection.candidate.protocol.CandidateArgs;
import io.github.leaderelection.candidate.protocol.LeaderOnlyWork;
import io.github.leaderelection.candidate.protocol.Report;
import io.github.leaderelection.candidate.protocol.StdinCommands;
import io.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.kubernetes.client.extended.leaderelection.LeaderElector;
import io.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.FileReader;
import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

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
 *
 * <p>Several leases ({@code --leases N}, ../PROTOCOL.md "Several leases"): one such elector per
 * lease, each with its own threads and lines ({@code @<lease>} prefix); only the ApiClient is shared.
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
    // One elector per lease (--leases N: what a user of this library has to do for N
    // elections; nothing is shared but the ApiClient), each with its own lines.
    List<Election> elections = new ArrayList<>();
    AtomicBoolean stopping = new AtomicBoolean();
    for (String lease : args.leaseNames()) {
      Report own = args.multiLease() ? report.forLease(lease) : report;
      elections.add(new Election(lease, args, client, own, stopping));
    }

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopping.set(true);
      elections.parallelStream().forEach(Election::close);
      report.closed();
      stopped.countDown();
    }, "candidate-shutdown"));
    // Commands of PROTOCOL.md (STEP_DOWN, SLOW_LOST): this elector has no such hook, so each one
    // is answered as unsupported and otherwise ignored.
    Thread stdinWatcher;
    if (args.multiLease()) {
      Map<String, java.util.function.Consumer<String[]>> byLease = new LinkedHashMap<>();
      elections.forEach(e -> byLease.put(e.lease, StdinCommands.allUnsupported(e.report)));
      stdinWatcher = StdinCommands.watcher(StdinCommands.perLease(byLease, report));
    } else {
      stdinWatcher = StdinCommands.watcher(StdinCommands.allUnsupported(report));
    }

    elections.forEach(Election::start);
    report.ready(args.identity());
    stdinWatcher.start();
    if (args.multiLease()) {
      for (Election e : elections) {
        LeaderOnlyWork.start(e.terms::leading, args, e.report, "candidate-work-" + e.lease);
      }
    } else {
      LeaderOnlyWork.run(elections.get(0).terms::leading, args, report);
    }
    stopped.await();
  }

  /** One lease's elector, the thread that keeps calling its {@code run}, and its terms. */
  private static final class Election {
    final String lease;
    final Report report;
    final Terms terms;
    private final LeaderElector elector;
    private final Thread electionThread;

    Election(String lease, CandidateArgs args, ApiClient client, Report report, AtomicBoolean stopping) {
      this.lease = lease;
      this.report = report;
      this.terms = new Terms(report);
      LeaseLock lock = new LeaseLock(args.namespace(), lease, args.identity(), client);
      LeaderElectionConfig config = new LeaderElectionConfig(
          lock, args.leaseDuration(), args.renewDeadline(), args.retryPeriod());
      this.elector = new LeaderElector(config);
      this.electionThread = new Thread(() -> {
        while (!stopping.get()) {
          long term = terms.next();
          long startedAt = System.nanoTime();
          elector.run(() -> terms.elected(term), () -> terms.lost(term, stopping.get() ? "SHUTDOWN" : "RUN_RETURNED"));
          if (!stopping.get() && !terms.wasElected(term)) {
            // run() returned without a term (an error in its acquire loop): do not spin.
            sleepQuietly(Math.max(0, args.retryPeriod().toMillis() - (System.nanoTime() - startedAt) / 1_000_000));
          }
        }
      }, "candidate-election-" + lease);
    }

    void start() {
      electionThread.start();
    }

    void close() {
      elector.close(); // releases the lease when held
      electionThread.interrupt(); // run() is blocked in its acquire or renew loop
      try {
        electionThread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
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
        report.elected("-1");
      }
    }

    synchronized void lost(long term, String reason) {
      endedTerm = term;
      if (electedTerm == term && leading) {
        leading = false;
        report.lost(reason);
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
