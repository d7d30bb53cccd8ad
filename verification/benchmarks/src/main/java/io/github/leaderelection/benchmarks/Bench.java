package io.github.leaderelection.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
   * {@code n} candidates on one lease; after a warm-up, the API server's Lease request counters
   * and each process's CPU time are read at the start and end of a window.
   */
  void steadyState(Impl impl, Profile profile, int n, long warmupMs, long windowMs) throws TrialFailure {
    String scenario = "load";
    String lease = leaseName(impl, profile, scenario, n);
    Path logs = logDir(lease);
    results.add(impl, profile, scenario, n, 0, "loadavg1", loadAverage1());
    List<CandidateProcess> procs = launch(impl, profile, lease, n, logs);
    try {
      Found first = awaitElected(procs, Long.MIN_VALUE, null, 300_000);
      awaitAllReady(procs, 300_000);
      sleep(warmupMs);
      CandidateProcess leader = first.process();
      requireSingleLeader(procs, leader);

      Map<String, Long> m0 = metrics.requestsByVerb();
      Map<CandidateProcess, Long> cpu0 = new HashMap<>();
      for (CandidateProcess p : procs) {
        cpu0.put(p, p.cpuTicks());
      }
      long t0 = System.nanoTime();
      sleep(windowMs);
      Map<String, Long> m1 = metrics.requestsByVerb();
      long t1 = System.nanoTime();
      Map<CandidateProcess, Long> cpu1 = new HashMap<>();
      for (CandidateProcess p : procs) {
        cpu1.put(p, p.cpuTicks());
      }
      long openWatches = metrics.openLeaseWatches();
      double minutes = (t1 - t0) / 60e9;
      requireSingleLeader(procs, leader);

      results.add(impl, profile, scenario, n, 0, "window_s", (t1 - t0) / 1e9);
      results.add(impl, profile, scenario, n, 0, "open_watches", openWatches);
      Set<String> verbs = new TreeSet<>(m1.keySet());
      verbs.addAll(List.of("GET", "PUT", "POST", "WATCH", "LIST", "PATCH"));
      StringBuilder summary = new StringBuilder();
      for (String verb : verbs) {
        long delta = m1.getOrDefault(verb, 0L) - m0.getOrDefault(verb, 0L);
        results.add(impl, profile, scenario, n, 0, "rpm_total_" + verb, delta / minutes);
        if (delta != 0) {
          summary.append(String.format(" %s %.1f", verb, delta / minutes / n));
        }
      }
      for (CandidateProcess p : procs) {
        String role = p == leader ? "leader" : "follower";
        double cpuMsPerMin = (cpu1.get(p) - cpu0.get(p)) * 1000.0 / clockTicksPerSecond / minutes;
        results.add(impl, profile, scenario, n, 0, "cpu_ms_per_min_" + role, cpuMsPerMin, p.identity);
        results.add(impl, profile, scenario, n, 0, "rss_kb_" + role, p.rssKb(), p.identity);
      }
      // Live heap after a full GC: every process with 3 candidates, leader and 3 followers with more
      // (JVM programs only: jcmd).
      List<CandidateProcess> heapOf = new ArrayList<>();
      heapOf.add(leader);
      procs.stream().filter(p -> p != leader).limit(n <= 3 ? n : 3).forEach(heapOf::add);
      if (impl.kind != Impl.Kind.JVM) {
        heapOf.clear();
      }
      for (CandidateProcess p : heapOf) {
        OptionalLong heap = p.liveHeapKb(candidates.jcmd());
        if (heap.isPresent()) {
          results.add(impl, profile, scenario, n, 0, "heap_kb_" + (p == leader ? "leader" : "follower"),
              heap.getAsLong(), p.identity);
        }
      }
      System.out.printf("  %-8s %-11s load n=%-2d: requests/min per candidate:%s; open watches %d%n",
          profile.name(), impl.id, n, summary.length() == 0 ? " none" : summary, openWatches);
    } catch (TimeoutException e) {
      throw fail(impl, profile, scenario, n, 0, e.getMessage(), procs);
    } finally {
      killAll(procs);
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
