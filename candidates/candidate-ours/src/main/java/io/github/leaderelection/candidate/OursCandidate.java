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
 *
 * <p>With the optional {@code --trace-acting true} it also prints, for the chaos suite (see
 * {@code leader-election-chaos/docs/chaos.md}): {@code ACQUIRED <ackNanos> <fencingToken>
 * <sentAtNanos>} when the acquiring write was acknowledged, {@code RELINQUISHED <nanos>
 * <fencingToken> <reason>} when the elector stopped acting (both from the elector thread), and
 * {@code WORK_CHECK <nanos> <seq>} with the time taken just before the leadership check of the
 * execution {@code seq} whose {@code WORK_START} follows, and {@code NEW_LEADER <nanos> <identity>}
 * when the listener is told of a new holder (in order with ELECTED and LOST).
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
          private long lastSentAt;
          private long lastAckAt;

          @Override
          public void renewed(long sentAtNanos, Duration latency) {
            lastSentAt = sentAtNanos;
            lastAckAt = sentAtNanos + latency.toNanos();
            report.line("RENEWED", Long.toString(sentAtNanos));
          }

          // --trace-acting true (extra lines for the chaos suite, leader-election-chaos/docs/chaos.md):
          // the term's bounds as the elector thread sees them. ELECTED / LOST come later, from
          // the listener thread, so they would hide an overlap.
          @Override
          public void acquired(LeadershipTerm term, Duration sinceCandidacy) {
            if (args.traceActing()) {
              // renewed() for the acquiring write ran just before, on this same thread.
              report.line("ACQUIRED", Long.toString(lastAckAt), Long.toString(term.fencingToken()),
                  Long.toString(lastSentAt));
            }
          }

          @Override
          public void lost(LeadershipTerm term, LossReason reason) {
            if (args.traceActing()) {
              report.line("RELINQUISHED", Report.now(), Long.toString(term.fencingToken()), reason.name());
            }
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

          @Override
          public void onNewLeader(String identity) {
            if (args.traceActing()) {
              // In order with ELECTED/LOST (same listener thread): tells whether this process
              // had seen a holder's record before it acquired.
              report.line("NEW_LEADER", Report.now(), identity);
            }
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
      long checkedFrom = System.nanoTime();
      var term = elector.currentTerm();
      if (term.isEmpty()) {
        continue;
      }
      String n = Long.toString(seq.incrementAndGet());
      if (args.traceActing()) {
        report.line("WORK_CHECK", Long.toString(checkedFrom), n);
      }
      report.line("WORK_START", Report.now(), n, Long.toString(term.get().fencingToken()));
      Thread.sleep(args.workDuration().toMillis());
      report.line("WORK_END", Report.now(), n);
    }
  }
}
