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

    AtomicBoolean stopping = new AtomicBoolean();
    AtomicBoolean leading = new AtomicBoolean();
    AtomicReference<CompletableFuture<?>> current = new AtomicReference<>();
    LeaderCallbacks callbacks = new LeaderCallbacks(
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

    CountDownLatch stopped = new CountDownLatch(1);
    Object startLock = new Object();
    Runnable[] startElector = new Runnable[1];
    startElector[0] = () -> {
      synchronized (startLock) {
        if (stopping.get()) {
          return;
        }
        LeaderElector elector = client.leaderElector()
            .withConfig(new LeaderElectionConfigBuilder()
                .withName(args.lease())
                .withLock(new LeaseLock(args.namespace(), args.lease(), args.identity()))
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
        future.whenComplete((v, e) -> CompletableFuture.runAsync(startElector[0],
            CompletableFuture.delayedExecutor(e == null ? 0 : args.retryPeriod().toMillis(), TimeUnit.MILLISECONDS)));
      }
    };

    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      synchronized (startLock) {
        stopping.set(true);
      }
      CompletableFuture<?> future = current.get();
      if (future != null) {
        future.cancel(true); // releases the lease (releaseOnCancel) and calls onStopLeading
      }
      client.close();
      report.closed();
      stopped.countDown();
    }, "candidate-shutdown"));
    // Commands of PROTOCOL.md (STEP_DOWN, SLOW_LOST): this elector has no such hook, so each one
    // is answered as unsupported and otherwise ignored.
    Thread stdinWatcher = StdinCommands.watcher(StdinCommands.allUnsupported(report));

    startElector[0].run();
    report.ready(args.identity());
    stdinWatcher.start();
    LeaderOnlyWork.run(leading::get, args, report);
    stopped.await();
  }
}
