package io.github.leaderelection.candidate;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.ElectionObserver;
import io.github.leaderelection.core.KubernetesLeaseStore;
import io.github.leaderelection.core.LeaderElector;
import io.github.leaderelection.core.LeadershipListener;
import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.core.LossReason;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.FileReader;
import java.io.Reader;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A candidate process on leader-election-core. Leader-only work, when asked for, checks
 * {@link LeaderElector#isLeader()} before each execution, exactly as {@code @LeaderOnly} does.
 */
public final class OursCandidate {

  private OursCandidate() {}

  public static void main(String[] argv) throws Exception {
    CandidateArgs args = CandidateArgs.parse(argv);
    Report report = new Report();
    ApiClient client;
    try (Reader r = new FileReader(args.kubeconfig().toFile())) {
      client = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(r)).build();
    }
    ElectionConfig config = ElectionConfig.builder(args.lease())
        .namespace(args.namespace())
        .identity(args.identity())
        .leaseDuration(args.leaseDuration())
        .renewDeadline(args.renewDeadline())
        .retryPeriod(args.retryPeriod())
        .build();
    LeaderElector elector = LeaderElector.builder(config, new KubernetesLeaseStore(client, config))
        .clock(Clock.offset(Clock.systemUTC(), args.wallOffset()))
        .observer(new ElectionObserver() {
          @Override
          public void renewed(long sentAtNanos, Duration latency) {
            report.line("RENEWED", Long.toString(sentAtNanos));
          }
        })
        .listener(new LeadershipListener() {
          @Override
          public void onElected(LeadershipTerm term) {
            report.line("ELECTED", Report.now(), Long.toString(term.fencingToken()));
          }

          @Override
          public void onLost(LeadershipTerm term, LossReason reason) {
            report.line("LOST", Report.now(), reason.name());
          }
        })
        .build();

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      elector.close();
      report.line("CLOSED", Report.now());
      stopped.countDown();
    }, "candidate-shutdown"));
    Thread stdinWatcher = new Thread(() -> {
      try {
        while (System.in.read() >= 0) {
          // keep reading until the runner closes our stdin
        }
      } catch (Exception ignored) {
        // treat as closed
      }
      System.exit(0); // runs the shutdown hook
    }, "candidate-stdin");
    stdinWatcher.setDaemon(true);

    elector.start();
    report.line("READY", args.identity(), Long.toString(ProcessHandle.current().pid()));
    stdinWatcher.start();
    if (!args.workInterval().isZero()) {
      runLeaderOnlyWork(elector, args, report);
    }
    stopped.await();
  }

  private static void runLeaderOnlyWork(LeaderElector elector, CandidateArgs args, Report report)
      throws InterruptedException {
    AtomicLong seq = new AtomicLong();
    while (true) {
      Thread.sleep(args.workInterval().toMillis());
      var term = elector.currentTerm();
      if (term.isEmpty()) {
        continue;
      }
      String n = Long.toString(seq.incrementAndGet());
      report.line("WORK_START", Report.now(), n, Long.toString(term.get().fencingToken()));
      Thread.sleep(args.workDuration().toMillis());
      report.line("WORK_END", Report.now(), n);
    }
  }
}
