package io.github.leaderelection.candidate;

import io.github.leaderelection.candidate.protocol.CandidateArgs;
import io.github.leaderelection.candidate.protocol.Report;
import io.github.leaderelection.candidate.protocol.StdinCommands;
import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.ElectionObserver;
import io.github.leaderelection.core.KubernetesLeaseStore;
import io.github.leaderelection.core.LeaderElector;
import io.github.leaderelection.core.LeadershipListener;
import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.core.LeaseStore;
import io.github.leaderelection.core.LossReason;
import io.github.leaderelection.core.SharedLeaseWatch;
import io.github.leaderelection.core.Ticker;
import io.github.leaderelection.core.balance.BalancedElection;
import io.github.leaderelection.core.balance.LeadershipBalancer;
import io.github.leaderelection.core.balance.LeaseMembership;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.FileReader;
import java.io.Reader;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A candidate process on leader-election-core. Leader-only work, when asked for, checks
 * {@link LeaderElector#isLeader()} before each execution, exactly as {@code @LeaderOnly} does.
 *
 * <p>With the optional {@code --trace-acting true} it also prints, for the chaos suite (see
 * {@code verification/chaos/docs/chaos.md}): {@code ACQUIRED <ackNanos> <fencingToken>
 * <sentAtNanos>} when the acquiring write was acknowledged, {@code RELINQUISHED <nanos>
 * <fencingToken> <reason>} when the elector stopped acting (both from the elector thread), and
 * {@code WORK_CHECK <nanos> <seq>} with the time taken just before the leadership check of the
 * execution {@code seq} whose {@code WORK_START} follows, and {@code NEW_LEADER <nanos> <identity>}
 * when the listener is told of a new holder (in order with ELECTED and LOST), and {@code
 * LOST_LISTENER_END <nanos> <fencingToken>} when the lost-listener returns.
 *
 * <p>Commands on stdin, one a line (PROTOCOL.md): {@code STEP_DOWN} calls {@link
 * LeaderElector#stepDown()} and prints {@code STEP_DOWN_DONE <nanos> <released>} when its future
 * completes; {@code SLOW_LOST <millis>} makes the next lost-listener block that long (leader work
 * that does not stop at once). Each is acknowledged with {@code COMMAND <nanos> <name> ok}.
 *
 * <p>Several leases ({@code --leases N}, PROTOCOL.md "Several leases"): N electors on {@code
 * <lease>-0 ..}, sharing one {@link SharedLeaseWatch} (unless {@code --shared-watch false}: one
 * watch per elector, for the benchmarks), every line of one of them prefixed with {@code @<lease>},
 * stdin commands routed by the same prefix. With {@code --balance true} a {@link LeaseMembership}
 * (group {@code <lease>}) and a {@link LeadershipBalancer} spread the leaderships, as the
 * starter's {@code leader.election.balance.enabled} does: hold-back RP, settle time LD, a round
 * every RP / 4.
 */
public final class OursCandidate {

  private OursCandidate() {}

  public static void main(String[] argv) throws Exception {
    CandidateArgs args = CandidateArgs.parse(argv);
    // The options of this program only (PROTOCOL.md), read before anything starts.
    boolean traceActing = args.flag("trace-acting");
    boolean balance = args.flag("balance");
    boolean sharedWatch = !"false".equalsIgnoreCase(args.named().getOrDefault("shared-watch", "true"));
    if (balance && (!args.multiLease() || !sharedWatch)) {
      System.err.println("--balance true needs --leases N and the shared watch (the members are seen through it)");
      System.exit(2);
    }
    Duration stepDownCooldown = args.optionalMillis("step-down-cooldown-ms");
    Duration shutdownTimeout = args.optionalMillis("shutdown-timeout-ms");
    Report report = new Report();
    ApiClient client;
    try (Reader r = new FileReader(args.kubeconfig().toFile())) {
      client = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(r)).build();
    }
    List<ElectionConfig> configs = new ArrayList<>();
    for (String lease : args.leaseNames()) {
      ElectionConfig.Builder configBuilder = ElectionConfig.builder(lease)
          .namespace(args.namespace())
          .identity(args.identity())
          .leaseDuration(args.leaseDuration())
          .renewDeadline(args.renewDeadline())
          .retryPeriod(args.retryPeriod());
      if (stepDownCooldown != null) {
        configBuilder.stepDownCooldown(stepDownCooldown);
      }
      if (shutdownTimeout != null) {
        configBuilder.shutdownTimeout(shutdownTimeout);
      }
      configs.add(configBuilder.build());
    }

    // Several leases (--leases N): one watch of the namespace's Leases for all electors (what the
    // starter does), and with --balance true a member Lease and a balancer (README "Balancing").
    SharedLeaseWatch watch = args.multiLease() && sharedWatch
        ? new SharedLeaseWatch(new KubernetesLeaseStore(client, configs.get(0)), args.namespace(), args.retryPeriod())
        : null;
    List<Election> elections = new ArrayList<>();
    for (ElectionConfig config : configs) {
      LeaseStore store = new KubernetesLeaseStore(client, config);
      if (watch != null) {
        store = watch.share(store, config.leaseName());
      }
      Report own = args.multiLease() ? report.forLease(config.leaseName()) : report;
      elections.add(election(config, store, args, traceActing, own));
    }
    LeaseMembership membership = null;
    LeadershipBalancer balancer = null;
    if (balance) {
      ElectionConfig first = configs.get(0);
      membership = new LeaseMembership(args.lease(), first, watch,
          name -> new KubernetesLeaseStore(client, args.namespace(), name, first.requestTimeout()), Ticker.SYSTEM);
      balancer = new LeadershipBalancer(args.identity(), membership,
          elections.stream().map(e -> reported(BalancedElection.of(e.elector()), e)).toList(),
          args.retryPeriod(), args.leaseDuration(), Ticker.SYSTEM);
    }

    CountDownLatch stopped = new CountDownLatch(1);
    LeaseMembership stopMembership = membership;
    LeadershipBalancer stopBalancer = balancer;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      // The order of the README: leave the group first, so the others know whom the leases go to.
      if (stopBalancer != null) {
        stopBalancer.close();
        stopMembership.close();
      }
      elections.parallelStream().forEach(e -> e.elector().close());
      if (watch != null) {
        watch.close();
      }
      report.closed();
      stopped.countDown();
    }, "candidate-shutdown"));
    Thread stdinWatcher;
    if (args.multiLease()) {
      Map<String, java.util.function.Consumer<String[]>> byLease = new LinkedHashMap<>();
      elections.forEach(e -> byLease.put(e.elector().config().leaseName(),
          words -> command(words, e.elector(), e.slowLostMillis(), e.report())));
      stdinWatcher = StdinCommands.watcher(StdinCommands.perLease(byLease, report));
    } else {
      Election only = elections.get(0);
      stdinWatcher = StdinCommands.watcher(words -> command(words, only.elector(), only.slowLostMillis(), report));
    }

    if (membership != null) {
      membership.start();
      balancer.start(args.retryPeriod().dividedBy(4));
    }
    elections.forEach(e -> e.elector().start());
    report.ready(args.identity());
    stdinWatcher.start();
    if (!args.workInterval().isZero()) {
      if (args.multiLease()) {
        for (Election e : elections) {
          Thread work = new Thread(() -> {
            try {
              runLeaderOnlyWork(e.elector(), args, traceActing, e.report());
            } catch (InterruptedException ignored) {
              Thread.currentThread().interrupt();
            }
          }, "candidate-work-" + e.elector().config().leaseName());
          work.setDaemon(true);
          work.start();
        }
      } else {
        runLeaderOnlyWork(elections.get(0).elector(), args, traceActing, report);
      }
    }
    stopped.await();
  }

  /**
   * {@code election} as the balancer sees it, and each of its step-downs on the lease's lines:
   * {@code BALANCER_STEP_DOWN <nanos>} when the balancer releases the lease, then {@code
   * STEP_DOWN_DONE <nanos> <released>} when that step-down's future completed, as for a stdin
   * STEP_DOWN (the chaos checker holds re-acquisitions to it, rule 22).
   */
  private static BalancedElection reported(BalancedElection election, Election e) {
    return new BalancedElection() {
      @Override
      public String lease() {
        return election.lease();
      }

      @Override
      public java.util.Optional<String> holder() {
        return election.holder();
      }

      @Override
      public void holdBack(Duration holdBack) {
        election.holdBack(holdBack);
      }

      @Override
      public void release() {
        e.report().line("BALANCER_STEP_DOWN", Report.now());
        e.elector().stepDown().whenComplete((released, error) ->
            e.report().stepDownDone(error != null ? "error" : Boolean.toString(released)));
      }

      @Override
      public String toString() {
        return election.toString();
      }
    };
  }

  /** One election of this process: its elector, the report of its lines, its SLOW_LOST setting. */
  private record Election(LeaderElector elector, Report report, AtomicLong slowLostMillis) {}

  private static Election election(ElectionConfig config, LeaseStore store, CandidateArgs args, boolean traceActing,
      Report report) {
    // SLOW_LOST arms this for the next lost-listener only, so later losses are not slowed.
    AtomicLong slowLostMillis = new AtomicLong();
    LeaderElector elector = LeaderElector.builder(config, store)
        .clock(Clock.offset(Clock.systemUTC(), args.wallOffset()))
        .observer(new ElectionObserver() {
          private long lastSentAt;
          private long lastAckAt;

          @Override
          public void renewed(long sentAtNanos, Duration latency) {
            lastSentAt = sentAtNanos;
            lastAckAt = sentAtNanos + latency.toNanos();
            report.renewed(sentAtNanos);
          }

          // --trace-acting true (extra lines for the chaos suite, verification/chaos/docs/chaos.md):
          // the term's bounds as the elector thread sees them. ELECTED / LOST come later, from
          // the listener thread, so they would hide an overlap.
          @Override
          public void acquired(LeadershipTerm term, Duration sinceCandidacy) {
            if (traceActing) {
              // renewed() for the acquiring write ran just before, on this same thread.
              report.line("ACQUIRED", Long.toString(lastAckAt), Long.toString(term.fencingToken()),
                  Long.toString(lastSentAt));
            }
          }

          @Override
          public void lost(LeadershipTerm term, LossReason reason) {
            if (traceActing) {
              report.line("RELINQUISHED", Report.now(), Long.toString(term.fencingToken()), reason.name());
            }
          }
        })
        .listener(new LeadershipListener() {
          @Override
          public void onElected(LeadershipTerm term) {
            report.elected(Long.toString(term.fencingToken()));
          }

          @Override
          public void onLost(LeadershipTerm term, LossReason reason) {
            report.lost(reason.name());
            long block = slowLostMillis.getAndSet(0);
            String how = "";
            if (block > 0) {
              try {
                Thread.sleep(block);
              } catch (InterruptedException e) {
                // the elector gave up on us (shutdown): say so, the release must not depend on it
                how = " interrupted";
                Thread.currentThread().interrupt();
              }
            }
            if (traceActing) {
              // The release may only follow this line (rule 5); the chaos checker holds rivals to it.
              report.line(("LOST_LISTENER_END " + Report.now() + " " + term.fencingToken() + how).split(" "));
            }
          }

          @Override
          public void onNewLeader(String identity) {
            if (traceActing) {
              // In order with ELECTED/LOST (same listener thread): tells whether this process
              // had seen a holder's record before it acquired.
              report.line("NEW_LEADER", Report.now(), identity);
            }
          }
        })
        .build();
    return new Election(elector, report, slowLostMillis);
  }

  /** One stdin command of PROTOCOL.md; anything else is answered as unsupported. */
  private static void command(String[] w, LeaderElector elector, AtomicLong slowLostMillis, Report report) {
    switch (w[0]) {
      case "STEP_DOWN" -> {
        elector.stepDown().whenComplete((released, error) ->
            report.stepDownDone(error != null ? "error" : Boolean.toString(released)));
        report.command("STEP_DOWN");
      }
      case "SLOW_LOST" -> {
        long millis = w.length > 1 ? Long.parseLong(w[1]) : 0;
        slowLostMillis.set(millis);
        report.command("SLOW_LOST");
      }
      default -> report.unsupported(w[0]);
    }
  }

  private static void runLeaderOnlyWork(LeaderElector elector, CandidateArgs args, boolean traceActing,
      Report report) throws InterruptedException {
    AtomicLong seq = new AtomicLong();
    while (true) {
      Thread.sleep(args.workInterval().toMillis());
      long checkedFrom = System.nanoTime();
      var term = elector.currentTerm();
      if (term.isEmpty()) {
        continue;
      }
      long n = seq.incrementAndGet();
      if (traceActing) {
        report.line("WORK_CHECK", Long.toString(checkedFrom), Long.toString(n));
      }
      report.workStart(n, Long.toString(term.get().fencingToken()));
      Thread.sleep(args.workDuration().toMillis());
      report.workEnd(n);
    }
  }
}
