package io.github.leaderelection.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scenarios. Every trial starts its own candidate processes on a lease name of its own,
 * and kills them all at its end, so trials are independent of each other.
 */
final class Bench {

  /** A trial that did not produce its figure; recorded as a failure, never as a sample. */
  static final class TrialFailure extends Exception {
    TrialFailure(String message) {
      super(message);
    }
  }

  private record Found(CandidateProcess process, CandidateProcess.Event event) {}

  private static final long NANOS_PER_MS = 1_000_000L;
  private static final AtomicLong LEASE_COUNTER = new AtomicLong();
  /** Steady state: candidates started at once, each wave READY before the next. */
  static final int WAVE = 10;
  /** Memory left to other work on the machine (the issue: 24 GB less about 4 GB). */
  static final long RESERVED_KB = 4L * 1024 * 1024;
  /** A steady-state run stops when the machine has less memory available than this. */
  static final long MIN_AVAILABLE_KB = 1024L * 1024;

  private final Candidates candidates;
  private final Path kubeconfig;
  private final String namespace;
  private final ServerMetrics metrics;
  private final Results results;
  private final Path logRoot;
  private final Random random;
  private final long clockTicksPerSecond;
  private final Object bus = new Object();

  Bench(Candidates candidates, Path kubeconfig, String namespace, ServerMetrics metrics, Results results,
      Path logRoot, long seed, long clockTicksPerSecond) {
    this.candidates = candidates;
    this.kubeconfig = kubeconfig;
    this.namespace = namespace;
    this.metrics = metrics;
    this.results = results;
    this.logRoot = logRoot;
    this.random = new Random(seed);
    this.clockTicksPerSecond = clockTicksPerSecond;
  }

  // ---------------------------------------------------------------------------------------------
  // Graceful handover and crash failover (and, from the same trials, time to first leader)
  // ---------------------------------------------------------------------------------------------

  /**
   * One trial: {@code n} candidates start together on a fresh lease (process launch to first
   * ELECTED is the cold-start figure); after they settled, the leader is stopped with SIGTERM
   * ({@code crash == false}) or SIGKILL, and the time from that signal to another candidate's
   * ELECTED line is measured.
   */
  void latencyTrial(Impl impl, Profile profile, boolean crash, int n, int trial) throws TrialFailure {
    String scenario = crash ? "failover" : "handover";
    String lease = leaseName(impl, profile, scenario, trial);
    Path logs = logDir(lease);
    results.add(impl, profile, scenario, n, trial, "loadavg1", loadAverage1());
    List<CandidateProcess> procs = launch(impl, profile, lease, n, logs);
    try {
      Found first = awaitElected(procs, Long.MIN_VALUE, null, 120_000);
      long earliestLaunch = procs.stream().mapToLong(p -> p.launchedAt).min().orElseThrow();
      double coldMs = (first.event().nanos() - earliestLaunch) / (double) NANOS_PER_MS;
      results.add(impl, profile, scenario, n, trial, "cold_start_ms", coldMs);
      awaitAllReady(procs, 120_000);

      // Settle: long enough for every implementation's followers to have read the lease a few
      // times (client-java and fabric8 poll every 1-2.2 retry periods); a random part so the
      // stop falls anywhere in the leader's renew cycle.
      sleep(3 * profile.retryPeriodMs() + (long) (random.nextDouble() * profile.retryPeriodMs()));
      CandidateProcess leader = first.process();
      requireSingleLeader(procs, leader);

      long t0 = System.nanoTime();
      if (crash) {
        leader.kill();
      } else {
        leader.terminate();
      }
      List<CandidateProcess> rest = procs.stream().filter(p -> p != leader).toList();
      long timeout = 2L * profile.leaseSeconds() * 1000 + 20_000;
      Found next = awaitElected(rest, t0, null, timeout);
      double latencyMs = (next.event().nanos() - t0) / (double) NANOS_PER_MS;
      if (crash) {
        results.add(impl, profile, scenario, n, trial, "failover_ms", latencyMs);
        results.add(impl, profile, scenario, n, trial, "failover_minus_ld_ms",
            latencyMs - profile.leaseSeconds() * 1000.0);
      } else {
        results.add(impl, profile, scenario, n, trial, "handover_ms", latencyMs);
        recordShutdownOrder(impl, profile, n, trial, leader, t0, next);
      }
      // A second new leader would be a split brain: give it a retry period to show up.
      sleep(profile.retryPeriodMs());
      long newTerms = rest.stream().mapToLong(p -> p.events("ELECTED").stream()
          .filter(e -> e.nanos() > t0).count()).sum();
      if (newTerms != 1) {
        results.add(impl, profile, scenario, n, trial, "anomaly", 1,
            newTerms + " ELECTED lines after the stop among the remaining candidates (expected 1)");
      }
      System.out.printf("  %-8s %-11s %-8s trial %2d: %s %8.0f ms   first leader after %6.0f ms%n",
          profile.name(), impl.id, scenario, trial, crash ? "failover" : "handover", latencyMs, coldMs);
    } catch (TimeoutException e) {
      throw fail(impl, profile, scenario, n, trial, e.getMessage(), procs);
    } catch (TrialFailure e) {
      results.add(impl, profile, scenario, n, trial, "failure", 1, e.getMessage().lines().findFirst().orElse(""));
      throw e;
    } finally {
      killAll(procs);
    }
  }

  /**
   * After a graceful stop: when the old leader said LOST relative to the new ELECTED (an
   * elector that releases before its lost callback lets two processes act as leader for a
   * moment), and whether it exited cleanly.
   */
  private void recordShutdownOrder(Impl impl, Profile profile, int n, int trial, CandidateProcess leader,
      long t0, Found next) {
    try {
      leader.waitFor(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    awaitOutputEnd(leader, 2_000);
    Optional<CandidateProcess.Event> lost = leader.events("LOST").stream().filter(e -> e.nanos() >= t0).findFirst();
    Optional<CandidateProcess.Event> closed = leader.first("CLOSED");
    if (lost.isPresent()) {
      double lostMs = (lost.get().nanos() - t0) / (double) NANOS_PER_MS;
      results.add(impl, profile, "handover", n, trial, "old_lost_ms", lostMs);
      results.add(impl, profile, "handover", n, trial, "elected_before_old_lost",
          next.event().nanos() < lost.get().nanos() ? 1 : 0);
    } else {
      results.add(impl, profile, "handover", n, trial, "anomaly", 1, "the stopped leader printed no LOST line");
    }
    if (closed.isEmpty()) {
      results.add(impl, profile, "handover", n, trial, "anomaly", 1, "the stopped leader printed no CLOSED line");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Steady state: API requests, CPU, memory
  // ---------------------------------------------------------------------------------------------

  /**
   * {@code n} candidates on one lease (started in waves of {@link #WAVE}, each wave READY before
   * the next, so 100 JVMs do not all start on 2 CPUs at once); after a warm-up, the API server's
   * Lease request counters, each candidate's CPU time and the CPU time of kube-apiserver and etcd
   * are read at the start and end of a window. {@code n} is capped where the candidates' memory
   * would not fit ({@link #memoryCap}); the cap is recorded, never applied silently.
   */
  void steadyState(Impl impl, Profile profile, int requested, long warmupMs, long windowMs) throws TrialFailure {
    String scenario = "load";
    int n = requested;
    if (requested > 3) {
      MemoryCap cap = memoryCap(impl, profile, requested);
      results.add(impl, profile, scenario, requested, 0, "rss_per_candidate_kb", cap.rssKb(), cap.source());
      results.add(impl, profile, scenario, requested, 0, "memory_budget_kb", cap.budgetKb(), cap.why());
      if (cap.max() < requested) {
        n = cap.max();
        results.add(impl, profile, scenario, requested, 0, "capped_to", n, cap.why());
        System.out.printf("  %-8s %-11s load n=%d capped to %d: %s%n", profile.name(), impl.id, requested, n, cap.why());
        if (n < 1) {
          results.add(impl, profile, scenario, requested, 0, "failure", 1, "no candidate fits in memory");
          throw new TrialFailure("no candidate fits in memory: " + cap.why());
        }
      }
    }
    // rows are keyed by the requested count, so a capped run stays in its row of the table
    results.add(impl, profile, scenario, requested, 0, "candidates_run", n);
    String lease = leaseName(impl, profile, scenario, requested);
    Path logs = logDir(lease);
    results.add(impl, profile, scenario, requested, 0, "loadavg1", loadAverage1());
    List<CandidateProcess> procs = new ArrayList<>();
    try {
      long startedAt = System.nanoTime();
      for (int from = 0; from < n; from += WAVE) {
        List<CandidateProcess> wave = new ArrayList<>();
        for (int i = from + 1; i <= Math.min(n, from + WAVE); i++) {
          wave.add(CandidateProcess.launch(impl, candidates, kubeconfig, namespace, lease, lease + "-c" + i,
              profile, logs, bus));
        }
        procs.addAll(wave);
        awaitAllReady(wave, 180_000);
        checkMemory(procs);
      }
      awaitElected(procs, Long.MIN_VALUE, null, 120_000);
      results.add(impl, profile, scenario, requested, 0, "startup_s", (System.nanoTime() - startedAt) / 1e9);
      sleepWatchingMemory(warmupMs, procs);

      long t0 = System.nanoTime();
      CandidateProcess leader = actingLeader(procs, t0);
      Map<String, Long> m0 = metrics.requestsByVerb();
      Map<CandidateProcess, Long> cpu0 = new HashMap<>();
      for (CandidateProcess p : procs) {
        cpu0.put(p, p.cpuTicks());
      }
      long[] server0 = serverCpuTicks();
      t0 = System.nanoTime();
      sleepWatchingMemory(windowMs, procs);
      Map<String, Long> m1 = metrics.requestsByVerb();
      long[] server1 = serverCpuTicks();
      long t1 = System.nanoTime();
      Map<CandidateProcess, Long> cpu1 = new HashMap<>();
      for (CandidateProcess p : procs) {
        cpu1.put(p, p.cpuTicks());
      }
      long openWatches = metrics.openLeaseWatches();
      double minutes = (t1 - t0) / 60e9;
      LeaderTimeline.Summary during = timeline(procs).summarize(t0, t1);
      if (during.elections() > 0 || during.leaderlessNanos() > 0) {
        results.add(impl, profile, scenario, requested, 0, "anomaly", 1, "leadership changed during the window ("
            + during.elections() + " election(s), " + during.leaderlessNanos() / NANOS_PER_MS
            + " ms without a leader); figures kept");
      }

      results.add(impl, profile, scenario, requested, 0, "window_s", (t1 - t0) / 1e9);
      results.add(impl, profile, scenario, requested, 0, "open_watches", openWatches);
      if (server0 != null && server1 != null) {
        results.add(impl, profile, scenario, requested, 0, "apiserver_cpu_ms_per_min",
            (server1[0] - server0[0]) * 1000.0 / clockTicksPerSecond / minutes);
        results.add(impl, profile, scenario, requested, 0, "etcd_cpu_ms_per_min",
            (server1[1] - server0[1]) * 1000.0 / clockTicksPerSecond / minutes);
      }
      Set<String> verbs = new TreeSet<>(m1.keySet());
      verbs.addAll(List.of("GET", "PUT", "POST", "WATCH", "LIST", "PATCH"));
      StringBuilder summary = new StringBuilder();
      for (String verb : verbs) {
        long delta = m1.getOrDefault(verb, 0L) - m0.getOrDefault(verb, 0L);
        results.add(impl, profile, scenario, requested, 0, "rpm_total_" + verb, delta / minutes);
        if (delta != 0) {
          summary.append(String.format(" %s %.1f", verb, delta / minutes / n));
        }
      }
      for (CandidateProcess p : procs) {
        String role = p == leader ? "leader" : "follower";
        double cpuMsPerMin = (cpu1.get(p) - cpu0.get(p)) * 1000.0 / clockTicksPerSecond / minutes;
        results.add(impl, profile, scenario, requested, 0, "cpu_ms_per_min_" + role, cpuMsPerMin, p.identity);
        results.add(impl, profile, scenario, requested, 0, "rss_kb_" + role, p.rssKb(), p.identity);
      }
      // Live heap after a full GC: every process with 3 candidates, leader and 3 followers with more
      // (JVM programs only: jcmd).
      List<CandidateProcess> heapOf = new ArrayList<>();
      heapOf.add(leader);
      procs.stream().filter(p -> p != leader).limit(n <= 3 ? n : 3).forEach(heapOf::add);
      // (not with 100: the heap does not depend on the count, and jcmd costs time)
      if (impl.kind != Impl.Kind.JVM || n > 20) {
        heapOf.clear();
      }
      for (CandidateProcess p : heapOf) {
        OptionalLong heap = p.liveHeapKb(candidates.jcmd());
        if (heap.isPresent()) {
          results.add(impl, profile, scenario, requested, 0, "heap_kb_" + (p == leader ? "leader" : "follower"),
              heap.getAsLong(), p.identity);
        }
      }
      System.out.printf("  %-8s %-11s load n=%-3d: requests/min per candidate:%s; open watches %d; API server"
          + " CPU %s ms/min%n", profile.name(), impl.id, n, summary.length() == 0 ? " none" : summary, openWatches,
          server0 == null || server1 == null ? "?"
              : String.format("%.0f", (server1[0] - server0[0]) * 1000.0 / clockTicksPerSecond / minutes));
    } catch (TimeoutException e) {
      throw fail(impl, profile, scenario, requested, 0, e.getMessage(), procs);
    } catch (TrialFailure e) {
      results.add(impl, profile, scenario, requested, 0, "failure", 1, e.getMessage().lines().findFirst().orElse(""));
      throw e;
    } finally {
      killAll(procs);
    }
  }

  /**
   * The API server's and etcd's own CPU over a window with no candidate running: the fixed cost
   * the per-size figures are compared with.
   */
  void idleServer(Profile profile, long windowMs) {
    long[] a = serverCpuTicks();
    long t0 = System.nanoTime();
    sleep(windowMs);
    long[] b = serverCpuTicks();
    double minutes = (System.nanoTime() - t0) / 60e9;
    if (a != null && b != null) {
      results.add("none", profile.name(), "load", 0, 0, "apiserver_cpu_ms_per_min",
          (b[0] - a[0]) * 1000.0 / clockTicksPerSecond / minutes, "no candidates");
      results.add("none", profile.name(), "load", 0, 0, "etcd_cpu_ms_per_min",
          (b[1] - a[1]) * 1000.0 / clockTicksPerSecond / minutes, "no candidates");
      System.out.printf("  idle API server: %.0f ms/min, etcd %.0f ms/min%n",
          (b[0] - a[0]) * 1000.0 / clockTicksPerSecond / minutes, (b[1] - a[1]) * 1000.0 / clockTicksPerSecond / minutes);
    }
  }

  /** How many candidates of {@code impl} fit in memory, and why. */
  record MemoryCap(int max, long rssKb, String source, long budgetKb, String why) {}

  /**
   * The largest candidate count whose memory fits: the budget is the machine's memory less
   * {@link #RESERVED_KB} for other users and less what the API server, etcd and this runner use
   * now, and never more than what is available now less 2 GiB; per candidate, the largest RSS
   * seen in this implementation's earlier steady-state runs (one probe process when there was
   * none), plus 25 %.
   */
  MemoryCap memoryCap(Impl impl, Profile profile, int requested) throws TrialFailure {
    OptionalDouble seen = results.rows().stream()
        .filter(r -> r.impl().equals(impl.id) && r.profile().equals(profile.name()) && r.scenario().equals("load")
            && r.metric().startsWith("rss_kb_"))
        .mapToDouble(Results.Row::value).max();
    long rss;
    String source;
    if (seen.isPresent()) {
      rss = (long) seen.getAsDouble();
      source = "largest VmRSS of this implementation's smaller steady-state runs";
    } else {
      rss = probeRss(impl, profile);
      source = "VmRSS of one probe candidate, 10 s after READY";
    }
    long own = selfAndServerRssKb();
    long total = Machine.memTotalKb();
    long available = Machine.memAvailableKb();
    long budget = Math.min(total - RESERVED_KB - own, available - 2L * 1024 * 1024);
    long perCandidate = (long) (rss * 1.25);
    int max = (int) Math.max(0, Math.min(requested, budget / Math.max(1, perCandidate)));
    String why = String.format(Locale.ROOT, "%d × %.0f MiB (VmRSS %.0f MiB + 25 %%) = %.1f GiB; budget %.1f GiB"
            + " (MemTotal %.1f GiB − 4 GiB for other work − %.1f GiB for API server + etcd + runner; or"
            + " MemAvailable %.1f GiB − 2 GiB if less)", requested, perCandidate / 1024.0, rss / 1024.0,
        requested * (double) perCandidate / 1048576, budget / 1048576.0, total / 1048576.0, own / 1048576.0,
        available / 1048576.0);
    return new MemoryCap(max, rss, source, budget, why);
  }

  private long probeRss(Impl impl, Profile profile) throws TrialFailure {
    String lease = leaseName(impl, profile, "probe", 1);
    List<CandidateProcess> procs = launch(impl, profile, lease, 1, logDir(lease));
    try {
      awaitAllReady(procs, 120_000);
      sleep(10_000);
      return procs.get(0).rssKb();
    } catch (TimeoutException e) {
      throw new TrialFailure("memory probe: " + e.getMessage());
    } finally {
      killAll(procs);
    }
  }

  private static long selfAndServerRssKb() {
    long sum = Machine.rssKb(ProcessHandle.current().pid());
    for (String name : List.of("kube-apiserver", "etcd")) {
      OptionalLong pid = Machine.descendant(name);
      if (pid.isPresent()) {
        sum += Math.max(0, Machine.rssKb(pid.getAsLong()));
      }
    }
    return sum;
  }

  /** {kube-apiserver, etcd} utime + stime in ticks, or null when either is not found. */
  private static long[] serverCpuTicks() {
    OptionalLong api = Machine.descendant("kube-apiserver");
    OptionalLong etcd = Machine.descendant("etcd");
    if (api.isEmpty() || etcd.isEmpty()) {
      return null;
    }
    long a = Machine.cpuTicks(api.getAsLong());
    long e = Machine.cpuTicks(etcd.getAsLong());
    return a < 0 || e < 0 ? null : new long[] {a, e};
  }

  /** Fails (so the processes are killed) when the machine runs short of memory. */
  private static void checkMemory(List<CandidateProcess> procs) throws TrialFailure {
    long available = Machine.memAvailableKb();
    if (available >= 0 && available < MIN_AVAILABLE_KB) {
      throw new TrialFailure(String.format(Locale.ROOT, "stopped: MemAvailable %.2f GiB with %d candidates running",
          available / 1048576.0, procs.size()));
    }
  }

  private static void sleepWatchingMemory(long ms, List<CandidateProcess> procs) throws TrialFailure {
    long end = System.nanoTime() + ms * NANOS_PER_MS;
    while (true) {
      long left = (end - System.nanoTime()) / NANOS_PER_MS;
      if (left <= 0) {
        return;
      }
      sleep(Math.min(left, 1000));
      checkMemory(procs);
    }
  }

  /** The one process acting as leader at {@code t}. */
  private CandidateProcess actingLeader(List<CandidateProcess> procs, long t) throws TrialFailure {
    List<String> acting = timeline(procs).actingAt(t);
    if (acting.size() != 1) {
      throw new TrialFailure(acting.size() + " candidates acting as leader at the start of the window: " + acting);
    }
    return procs.stream().filter(p -> p.identity.equals(acting.get(0))).findFirst().orElseThrow();
  }

  private static LeaderTimeline timeline(List<CandidateProcess> procs) {
    return LeaderTimeline.of(procs.stream().map(CandidateProcess::timelineLog).toList());
  }

  // ---------------------------------------------------------------------------------------------
  // Rolling restart
  // ---------------------------------------------------------------------------------------------

  /**
   * A Deployment's rolling update of {@code replicas} candidates (maxSurge 1, maxUnavailable 0):
   * for each old candidate in launch order, a new one is started, and once it printed READY the
   * old one gets SIGTERM and the next new one is started at once (a terminating pod no longer
   * counts against the surge). The rollout is over when all old processes exited and one new
   * candidate acts as leader; a retry period later the window closes. From all processes' event
   * logs ({@link LeaderTimeline}): elections during the rollout, the time nobody acted as leader,
   * the time two did.
   */
  void rollingRestart(Impl impl, Profile profile, int replicas, int trial) throws TrialFailure {
    String scenario = "rolling";
    String lease = leaseName(impl, profile, scenario, trial);
    Path logs = logDir(lease);
    results.add(impl, profile, scenario, replicas, trial, "loadavg1", loadAverage1());
    List<CandidateProcess> old = launch(impl, profile, lease, replicas, logs);
    List<CandidateProcess> all = new ArrayList<>(old);
    List<CandidateProcess> fresh = new ArrayList<>();
    try {
      Found first = awaitElected(old, Long.MIN_VALUE, null, 120_000);
      awaitAllReady(old, 120_000);
      sleep(3 * profile.retryPeriodMs() + (long) (random.nextDouble() * profile.retryPeriodMs()));
      requireSingleLeader(old, first.process());
      int leaderPosition = old.indexOf(first.process()) + 1;

      long t0 = System.nanoTime();
      for (int i = 0; i < replicas; i++) {
        CandidateProcess p = CandidateProcess.launch(impl, candidates, kubeconfig, namespace, lease,
            lease + "-new" + (i + 1), profile, logs, bus);
        fresh.add(p);
        all.add(p);
        awaitAllReady(List.of(p), 120_000);
        old.get(i).terminate();
      }
      long lastTerm = System.nanoTime();
      for (CandidateProcess p : old) {
        try {
          p.waitFor(60_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        awaitOutputEnd(p, 5_000);
        if (!p.outputEnded()) {
          throw new TrialFailure(p + " still running 60 s after SIGTERM");
        }
      }
      long oldGone = System.nanoTime();
      long deadline = oldGone + (2L * profile.leaseSeconds() * 1000 + 20_000) * NANOS_PER_MS;
      while (true) {
        List<String> acting = timeline(all).actingAt(System.nanoTime());
        if (acting.size() == 1 && fresh.stream().anyMatch(p -> p.identity.equals(acting.get(0)))) {
          break;
        }
        for (CandidateProcess p : fresh) {
          if (p.outputEnded()) {
            throw new TrialFailure(p + " exited unexpectedly; log: " + tail(p.log));
          }
        }
        if (System.nanoTime() > deadline) {
          throw new TimeoutException("no new candidate acting as leader within "
              + (2L * profile.leaseSeconds() + 20) + " s after the old ones exited (acting: " + acting + ")");
        }
        sleep(20);
      }
      long leaderAgain = System.nanoTime();
      sleep(profile.retryPeriodMs());
      long t1 = System.nanoTime();
      LeaderTimeline.Summary s = timeline(all).summarize(t0, t1);
      List<String> actingAtEnd = timeline(all).actingAt(t1);
      if (actingAtEnd.size() != 1) {
        throw new TrialFailure(actingAtEnd.size() + " acting leaders at the end of the rollout: " + actingAtEnd);
      }
      for (CandidateProcess p : all) {
        if (!p.malformedLines().isEmpty()) {
          throw new TrialFailure(p + " printed lines outside the protocol: " + p.malformedLines());
        }
      }
      String order = "leader was old replica " + leaderPosition + " of " + replicas + "; elected in order: "
          + String.join(" ", s.electedInOrder().stream().map(id -> id.substring(lease.length() + 1)).toList());
      results.add(impl, profile, scenario, replicas, trial, "rolling_elections", s.elections(), order);
      results.add(impl, profile, scenario, replicas, trial, "rolling_leaderless_ms", s.leaderlessNanos() / 1e6);
      results.add(impl, profile, scenario, replicas, trial, "rolling_gaps", s.gaps());
      results.add(impl, profile, scenario, replicas, trial, "rolling_overlap_ms", s.overlapNanos() / 1e6);
      results.add(impl, profile, scenario, replicas, trial, "rolling_duration_ms", (leaderAgain - t0) / 1e6);
      results.add(impl, profile, scenario, replicas, trial, "rolling_replace_ms", (lastTerm - t0) / 1e6);
      results.add(impl, profile, scenario, replicas, trial, "leader_position", leaderPosition);
      System.out.printf("  %-8s %-11s rolling  trial %2d: %d election(s), %6.0f ms without a leader, %4.0f ms two"
              + " leaders; rollout %5.1f s (%s)%n", profile.name(), impl.id, trial, s.elections(),
          s.leaderlessNanos() / 1e6, s.overlapNanos() / 1e6, (leaderAgain - t0) / 1e9, order);
    } catch (TimeoutException e) {
      throw fail(impl, profile, scenario, replicas, trial, e.getMessage(), all);
    } catch (TrialFailure e) {
      results.add(impl, profile, scenario, replicas, trial, "failure", 1, e.getMessage().lines().findFirst().orElse(""));
      throw e;
    } finally {
      killAll(all);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Plumbing
  // ---------------------------------------------------------------------------------------------

  private List<CandidateProcess> launch(Impl impl, Profile profile, String lease, int n, Path logs) {
    List<CandidateProcess> procs = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      procs.add(CandidateProcess.launch(impl, candidates, kubeconfig, namespace, lease,
          lease + "-c" + i, profile, logs, bus));
    }
    return procs;
  }

  /** Waits for the earliest ELECTED after {@code afterNanos} among {@code procs}. */
  private Found awaitElected(List<CandidateProcess> procs, long afterNanos, CandidateProcess except, long timeoutMs)
      throws TimeoutException, TrialFailure {
    long deadline = System.nanoTime() + timeoutMs * NANOS_PER_MS;
    synchronized (bus) {
      while (true) {
        Optional<Found> found = procs.stream().filter(p -> p != except)
            .flatMap(p -> p.events("ELECTED").stream().filter(e -> e.nanos() > afterNanos)
                .map(e -> new Found(p, e)))
            .min(Comparator.comparingLong(f -> f.event().nanos()));
        if (found.isPresent()) {
          return found.get();
        }
        for (CandidateProcess p : procs) {
          if (p != except && p.outputEnded()) {
            throw new TrialFailure(p + " exited unexpectedly; log: " + tail(p.log));
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException("no ELECTED line within " + timeoutMs + " ms");
        }
        try {
          bus.wait(Math.max(1, Math.min(left / NANOS_PER_MS, 200)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new TimeoutException("interrupted");
        }
      }
    }
  }

  private void awaitAllReady(List<CandidateProcess> procs, long timeoutMs) throws TimeoutException, TrialFailure {
    long deadline = System.nanoTime() + timeoutMs * NANOS_PER_MS;
    synchronized (bus) {
      while (procs.stream().anyMatch(p -> p.first("READY").isEmpty())) {
        for (CandidateProcess p : procs) {
          if (p.outputEnded()) {
            throw new TrialFailure(p + " exited before READY; log: " + tail(p.log));
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException("not all candidates READY within " + timeoutMs + " ms");
        }
        try {
          bus.wait(Math.max(1, Math.min(left / NANOS_PER_MS, 200)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new TimeoutException("interrupted");
        }
      }
    }
  }

  private void awaitOutputEnd(CandidateProcess p, long timeoutMs) {
    long deadline = System.nanoTime() + timeoutMs * NANOS_PER_MS;
    synchronized (bus) {
      while (!p.outputEnded() && System.nanoTime() < deadline) {
        try {
          bus.wait(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Exactly one candidate has been elected (once) and none lost: the settled state measured from. */
  private static void requireSingleLeader(List<CandidateProcess> procs, CandidateProcess leader) throws TrialFailure {
    for (CandidateProcess p : procs) {
      int elected = p.events("ELECTED").size();
      int lost = p.events("LOST").size();
      if ((p == leader && (elected != 1 || lost != 0)) || (p != leader && elected != 0)) {
        throw new TrialFailure("leadership changed before the measurement (" + p + ": " + elected
            + " ELECTED, " + lost + " LOST)");
      }
      if (!p.malformedLines().isEmpty()) {
        throw new TrialFailure(p + " printed lines outside the protocol: " + p.malformedLines());
      }
    }
  }

  private TrialFailure fail(Impl impl, Profile profile, String scenario, int n, int trial, String message,
      List<CandidateProcess> procs) {
    StringBuilder detail = new StringBuilder(message);
    for (CandidateProcess p : procs) {
      detail.append("\n    ").append(p).append(": ").append(p.isAlive() ? "running" : "exited")
          .append(", log ").append(p.log);
    }
    results.add(impl, profile, scenario, n, trial, "failure", 1, message);
    return new TrialFailure(detail.toString());
  }

  private static void killAll(List<CandidateProcess> procs) {
    for (CandidateProcess p : procs) {
      p.kill();
    }
    for (CandidateProcess p : procs) {
      try {
        p.waitFor(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private String leaseName(Impl impl, Profile profile, String scenario, int trial) {
    return ("bench-" + impl.id + "-" + profile.name() + "-" + scenario + "-" + trial + "-"
        + LEASE_COUNTER.incrementAndGet() + "-" + Long.toString(random.nextInt(1 << 20), 36))
        .replaceAll("[^a-z0-9-]", "-");
  }

  private Path logDir(String lease) {
    Path dir = logRoot.resolve(lease);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return dir;
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n      ", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  static double loadAverage1() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
