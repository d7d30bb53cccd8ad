package io.github.leaderelection.candidate.fabric8;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
            report.line("ELECTED", Report.now(), "-1");
          }
        },
        () -> {
          if (leading.compareAndSet(true, false)) {
            report.line("LOST", Report.now(), stopping.get() ? "SHUTDOWN" : "STOPPED_LEADING");
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

    startElector[0].run();
    report.line("READY", args.identity(), Long.toString(ProcessHandle.current().pid()));
    stdinWatcher.start();
    if (!args.workInterval().isZero()) {
      runLeaderOnlyWork(leading, args, report);
    }
    stopped.await();
  }

  private static void runLeaderOnlyWork(AtomicBoolean leading, CandidateArgs args, Report report)
      throws InterruptedException {
    AtomicLong seq = new AtomicLong();
    while (true) {
      Thread.sleep(args.workInterval().toMillis());
      if (!leading.get()) {
        continue;
      }
      String n = Long.toString(seq.incrementAndGet());
      report.line("WORK_START", Report.now(), n, "-1");
      Thread.sleep(args.workDuration().toMillis());
      report.line("WORK_END", Report.now(), n);
    }
  }
}
