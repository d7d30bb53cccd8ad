package io.github.leaderelection.candidate.fabric8;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.github.leaderelection.candidate.protocol.CandidateArgs;
import io.github.leaderelection.candidate.protocol.LeaderOnlyWork;
import io.github.leaderelection.candidate.protocol.Report;
import io.github.leaderelection.candidate.protocol.StdinCommands;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A candidate process on the fabric8 client's {@link LeaderElector} with a {@link LeaseLock}
 * (benchmark and comparison only; see ../PROTOCOL.md).
 *
 * <p>How that elector is meant to be used, and what this program therefore does:
 * <ul>
 *   <li>{@link LeaderElector#start()} returns a future that completes when leadership ends; an
 *       elector can be started once only, so after a loss a new one is built and started (the
 *       way to keep competing).
 *   <li>Callbacks run synchronously on the elector's task thread, inside its lease update.
 *   <li>Stopping: {@code releaseOnCancel} is set and the future is cancelled; the cancellation
 *       re-reads the lease and, if still the holder, writes holder null with a 1 s duration,
 *       then calls the stop callback (so LOST comes after the release with this implementation).
 *   <li>There is no renewal callback and no fencing token: no RENEWED lines, token {@code -1}.
 *       Leader-only work checks the flag set by the callbacks.
 * </ul>
 *
 * <p>Several leases ({@code --leases N}, ../PROTOCOL.md "Several leases"): one such elector per
 * lease, each with its own lines ({@code @<lease>} prefix); only the client is shared.
 */
public final class Fabric8Candidate {

  private Fabric8Candidate() {}

  public static void main(String[] argv) throws Exception {
    CandidateArgs args = CandidateArgs.parse(argv);
    if (!args.wallOffset().isZero()) {
      // Expiry compares the remote renewTime with ZonedDateTime.now(): a skewed clock matters,
      // but there is no way to inject one. Refuse rather than silently run without skew.
      System.err.println("UNSUPPORTED --wall-offset-ms: fabric8's LeaderElector has no injectable clock");
      System.exit(2);
    }
    Report report = new Report();
    Config clientConfig = Config.fromKubeconfig(args.kubeconfig().toFile());
    KubernetesClient client = new KubernetesClientBuilder().withConfig(clientConfig).build();

    // One elector per lease (--leases N: what a user of this library has to do for N
    // elections; nothing is shared but the client), each with its own lines.
    AtomicBoolean stopping = new AtomicBoolean();
    List<Election> elections = new ArrayList<>();
    for (String lease : args.leaseNames()) {
      elections.add(new Election(lease, args, client, args.multiLease() ? report.forLease(lease) : report, stopping));
    }

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      elections.forEach(Election::stopRestarting);
      // releases each lease (releaseOnCancel) and calls onStopLeading
      elections.parallelStream().forEach(Election::cancel);
      client.close();
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
        LeaderOnlyWork.start(e.leading::get, args, e.report, "candidate-work-" + e.lease);
      }
    } else {
      LeaderOnlyWork.run(elections.get(0).leading::get, args, report);
    }
    stopped.await();
  }

  /** One lease: the elector of the moment (a new one after each loss), its callbacks' state. */
  private static final class Election {
    final String lease;
    final Report report;
    final AtomicBoolean leading = new AtomicBoolean();
    private final CandidateArgs args;
    private final KubernetesClient client;
    private final AtomicBoolean stopping;
    private final LeaderCallbacks callbacks;
    private final AtomicReference<CompletableFuture<?>> current = new AtomicReference<>();
    private final Object startLock = new Object();

    Election(String lease, CandidateArgs args, KubernetesClient client, Report report, AtomicBoolean stopping) {
      this.lease = lease;
      this.report = report;
      this.args = args;
      this.client = client;
      this.stopping = stopping;
      this.callbacks = new LeaderCallbacks(
          () -> {
            if (leading.compareAndSet(false, true)) {
              report.elected("-1");
            }
          },
          () -> {
            if (leading.compareAndSet(true, false)) {
              report.lost(stopping.get() ? "SHUTDOWN" : "STOPPED_LEADING");
            }
          },
          newLeader -> { });
    }

    void start() {
      synchronized (startLock) {
        if (stopping.get()) {
          return;
        }
        LeaderElector elector = client.leaderElector()
            .withConfig(new LeaderElectionConfigBuilder()
                .withName(lease)
                .withLock(new LeaseLock(args.namespace(), lease, args.identity()))
                .withLeaseDuration(args.leaseDuration())
                .withRenewDeadline(args.renewDeadline())
                .withRetryPeriod(args.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(callbacks)
                .build())
            .build();
        CompletableFuture<?> future = elector.start();
        current.set(future);
        // Leadership ended (renew deadline, or another holder seen): compete again with a new
        // elector, off the completing thread; after an error (the elector logged it) not before
        // a retry period, so a persistent error cannot make a busy loop.
        future.whenComplete((v, e) -> CompletableFuture.runAsync(this::start,
            CompletableFuture.delayedExecutor(e == null ? 0 : args.retryPeriod().toMillis(), TimeUnit.MILLISECONDS)));
      }
    }

    /** No new elector after this (the shared flag is set under every election's start lock). */
    void stopRestarting() {
      synchronized (startLock) {
        stopping.set(true);
      }
    }

    void cancel() {
      CompletableFuture<?> future = current.get();
      if (future != null) {
        future.cancel(true);
      }
    }
  }
}
