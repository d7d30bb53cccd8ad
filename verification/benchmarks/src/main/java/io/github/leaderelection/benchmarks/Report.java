package io.github.leaderelection.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Writes docs/benchmarks.md (only the part between the GENERATED markers, so text written
 * around it survives a re-run) and docs/benchmarks.png.
 */
final class Report {

  static final String MARKDOWN = "benchmarks.md";
  static final String CHART = "benchmarks.png";
  /** The README's figures table, written into the run directory to be copied from there. */
  static final String README_TABLE = "readme-table.md";
  static final String BEGIN = "<!-- BEGIN GENERATED (verification/benchmarks/run.sh rewrites this part) -->";
  static final String END = "<!-- END GENERATED -->";

  private Report() {}

  static void render(Path runDir, List<Results.Row> rows, Map<String, String> meta, Path docs) {
    Data data = new Data(rows);
    try {
      Files.createDirectories(docs);
      Chart.write(data, meta, docs.resolve(CHART));
      Path md = docs.resolve(MARKDOWN);
      String generated = BEGIN + "\n" + generated(data, meta, runDir) + END;
      String text;
      if (Files.exists(md)) {
        String old = Files.readString(md);
        int b = old.indexOf(BEGIN);
        int e = old.indexOf(END);
        text = b >= 0 && e > b ? old.substring(0, b) + generated + old.substring(e + END.length())
            : old + "\n" + generated + "\n";
      } else {
        text = "# Benchmarks\n\n" + generated + "\n";
      }
      Files.writeString(md, text);
      Files.writeString(runDir.resolve(README_TABLE), readmeTable(data, meta));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * One column per implementation: p95 of the handover and the failover, the median time
   * without a leader in a rolling restart, and the lease requests per minute of the largest
   * steady-state run; the first profile with data for each.
   */
  static String readmeTable(Data data, Map<String, String> meta) {
    List<String> impls = data.impls();
    StringBuilder sb = new StringBuilder();
    String profile = data.profiles().isEmpty() ? "fast" : data.profiles().get(0);
    Profile p = Profile.byName(profile);
    sb.append("| ").append(meta.getOrDefault("trials", "?")).append(" trials, lease ").append(p.leaseSeconds())
        .append(" s / renew ").append(p.renewDeadlineMs() / 1000.0).append(" s / retry ")
        .append(p.retryPeriodMs() / 1000.0).append(" s |");
    impls.forEach(i -> sb.append(' ').append(i).append(" |"));
    sb.append("\n|---|");
    impls.forEach(i -> sb.append("---:|"));
    sb.append('\n');
    readmeRow(sb, impls, "graceful handover, p95", i -> {
      Stats s = data.stats(i, profile, "handover_ms");
      return s.empty() ? failedOrDash(data, i, profile, "handover") : ms(s.p95()) + " ms";
    });
    readmeRow(sb, impls, "crash failover, p95", i -> {
      Stats s = data.stats(i, profile, "failover_ms");
      long failed = data.count(i, profile, "failover", "failure");
      return s.empty() ? failedOrDash(data, i, profile, "failover")
          : String.format(Locale.ROOT, "%.1f s", s.p95() / 1000)
              + (failed > 0 ? " (" + failed + " of " + (failed + s.n()) + " failed)" : "");
    });
    for (String rp : data.rollingProfiles()) {
      readmeRow(sb, impls, "rolling restart (" + rp + "), elections / time without a leader, median", i -> {
        Stats el = Stats.of(data.rolling(i, rp, "rolling_elections"));
        Stats gap = Stats.of(data.rolling(i, rp, "rolling_leaderless_ms"));
        long failed = data.count(i, rp, "rolling", "failure");
        return el.empty() ? failedOrDash(data, i, rp, "rolling") : num0(el.median()) + " / " + ms(gap.median()) + " ms"
            + (failed > 0 ? " (" + failed + " of " + (failed + el.n()) + " failed)" : "");
      });
    }
    List<Integer> sizes = data.loadSizes();
    for (String lp : data.loadProfiles()) {
      for (int n : sizes.isEmpty() ? List.<Integer>of() : List.of(sizes.get(sizes.size() - 1))) {
        readmeRow(sb, impls, "lease requests/min, " + n + " candidates (" + lp + "), all", i -> {
          OptionalDouble all = data.totalRpm(i, lp, n, "");
          if (all.isEmpty()) {
            return data.rows(i, lp, n, "failure").isEmpty() ? "—" : "failed";
          }
          int ran = data.ran(i, lp, n);
          return num0(all.getAsDouble() - data.totalRpm(i, lp, n, "WATCH").orElse(0))
              + (ran == n ? "" : " (" + ran + " run)");
        });
        readmeRow(sb, impls, "kube-apiserver CPU, " + n + " candidates, ms/min", i ->
            num0(data.single(i, lp, n, "apiserver_cpu_ms_per_min").orElse(Double.NaN)));
      }
    }
    return sb.toString();
  }

  /** For a cell without a sample: every trial failed (all of them), or nothing was run. */
  private static String failedOrDash(Data data, String impl, String profile, String scenario) {
    long failed = data.count(impl, profile, scenario, "failure");
    return failed > 0 ? "all " + failed + " failed" : "—";
  }

  private static void readmeRow(StringBuilder sb, List<String> impls, String label,
      java.util.function.Function<String, String> cell) {
    sb.append("| ").append(label).append(" |");
    impls.forEach(i -> sb.append(' ').append(cell.apply(i)).append(" |"));
    sb.append('\n');
  }

  /** A short latency table for the console (smoke runs). */
  static String summary(List<Results.Row> rows) {
    Data data = new Data(rows);
    StringBuilder sb = new StringBuilder("\n");
    for (String profile : data.profiles()) {
      for (String[] m : LATENCY_METRICS) {
        for (String impl : data.impls()) {
          Stats s = data.stats(impl, profile, m[0]);
          if (!s.empty()) {
            sb.append(String.format(Locale.ROOT, "%-8s %-36s %-12s n=%-3d median %8.0f  p95 %8.0f  max %8.0f ms%n",
                profile, m[1], impl, s.n(), s.median(), s.p95(), s.max()));
          }
        }
      }
    }
    return sb.toString();
  }

  private static final String[][] LATENCY_METRICS = {
      {"handover_ms", "graceful handover (SIGTERM → ELECTED)"},
      {"failover_ms", "crash failover (SIGKILL → ELECTED)"},
      {"failover_minus_ld_ms", "crash failover − lease duration"},
      {"cold_start_ms", "time to first leader (launch → ELECTED)"},
  };

  private static String generated(Data data, Map<String, String> meta, Path runDir) {
    StringBuilder sb = new StringBuilder();
    List<String> impls = data.impls();

    sb.append("\n## Results\n\n");
    sb.append("![Benchmark chart](").append(CHART).append(")\n\n");
    int trials = Integer.parseInt(meta.getOrDefault("trials", "20"));
    int rank = (int) Math.ceil(0.95 * trials);
    sb.append("Latencies in milliseconds; percentiles are nearest-rank (with ").append(trials)
        .append(" trials the p95 is the ").append(rank == trials ? "largest value" : rank + "th smallest")
        .append("). \"vs ours\" divides the median by ours.\n");

    for (String profile : data.profiles()) {
      sb.append("\n### Latency, ").append(profile).append(" profile (").append(profileText(meta, profile)).append(")\n\n");
      sb.append("| scenario | implementation | trials | failed | median | p95 | max | median vs ours |\n");
      sb.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
      for (String[] m : LATENCY_METRICS) {
        Stats ours = data.stats("ours", profile, m[0]);
        for (String impl : impls) {
          Stats s = data.stats(impl, profile, m[0]);
          if (s.empty() && data.count(impl, profile, scenarioOf(m[0]), "failure") == 0) {
            continue;
          }
          long failed = m[0].equals("cold_start_ms") ? 0 : data.count(impl, profile, scenarioOf(m[0]), "failure");
          String ratio = impl.equals("ours") || ours.empty() || s.empty() || m[0].equals("failover_minus_ld_ms")
              ? "" : ratio(s.median(), ours.median());
          sb.append("| ").append(m[1]).append(" | ").append(impl).append(" | ").append(s.n()).append(" | ")
              .append(failed).append(" | ").append(ms(s.median())).append(" | ").append(ms(s.p95()))
              .append(" | ").append(ms(s.max())).append(" | ").append(ratio).append(" |\n");
        }
      }
    }

    appendShutdownOrder(sb, data, impls);
    appendRolling(sb, data, impls, meta);
    appendLoad(sb, data, impls, meta);
    appendScale(sb, data, impls, meta);
    appendResources(sb, data, impls);
    appendTargets(sb, data, meta);
    appendAnomalies(sb, data);
    appendRun(sb, meta, runDir, data);
    return sb.toString();
  }

  private static void appendShutdownOrder(StringBuilder sb, Data data, List<String> impls) {
    if (data.rows("old_lost_ms").isEmpty()) {
      return;
    }
    sb.append("\n### Graceful stop: when the old leader reports LOST\n\n");
    sb.append("Time from SIGTERM to the stopped leader's LOST line, and in how many trials the new leader's"
        + " ELECTED came before it (the old one was still in its leader callback's term while the new one"
        + " started: two processes acting as leader for that moment).\n\n");
    sb.append("| profile | implementation | LOST after SIGTERM, median / max ms | new ELECTED before old LOST |\n");
    sb.append("|---|---|---:|---:|\n");
    for (String profile : data.profiles()) {
      for (String impl : impls) {
        Stats lost = data.stats(impl, profile, "old_lost_ms");
        List<Double> before = data.values(impl, profile, "elected_before_old_lost");
        if (lost.empty()) {
          continue;
        }
        long yes = before.stream().filter(v -> v > 0.5).count();
        sb.append("| ").append(profile).append(" | ").append(impl).append(" | ").append(ms(lost.median()))
            .append(" / ").append(ms(lost.max())).append(" | ").append(yes).append(" of ").append(before.size())
            .append(" |\n");
      }
    }
  }

  private static void appendRolling(StringBuilder sb, Data data, List<String> impls, Map<String, String> meta) {
    if (data.rollingProfiles().isEmpty()) {
      return;
    }
    String replicas = meta.getOrDefault("rolling_replicas", "3");
    sb.append("\n### Rolling restart\n\n");
    sb.append(replicas).append(" replicas replaced one at a time as a Deployment does (maxSurge 1, maxUnavailable 0):"
        + " a new candidate is started; when it printed READY, the oldest remaining old one gets SIGTERM and the"
        + " next new one is started at once. The window runs from the first new launch until all old processes"
        + " exited and a new one acts as leader, plus one retry period. Acting leader: from a process' ELECTED"
        + " to its LOST (or the end of its output). **Elections**: ELECTED lines in the window (at least 1: the"
        + " leadership must end on a new replica; " + replicas + " when it moves old → old → old → new)."
        + " **Without a leader**: the time in the window in which no process acted as leader, all gaps added up."
        + " **Two leaders**: the time two processes acted as leader at once. The initial leader is whichever old"
        + " replica won the start, so its position in the replacement order (1 = replaced first) varies by"
        + " trial; the count of trials by position is shown.\n\n");
    sb.append("| profile | implementation | rollouts | failed | elections: median / max (per trial) | without a leader,"
        + " ms: median / p95 / max | two leaders, ms: median / max | rollout, s: median | leader position " + positionsHeader(Integer.parseInt(replicas)) + " |\n");
    sb.append("|---|---|---:|---:|---|---:|---:|---:|---|\n");
    for (String profile : data.rollingProfiles()) {
      for (String impl : impls) {
        List<Double> elections = data.rolling(impl, profile, "rolling_elections");
        long failed = data.count(impl, profile, "rolling", "failure");
        if (elections.isEmpty() && failed == 0) {
          continue;
        }
        Stats el = Stats.of(elections);
        Stats gap = Stats.of(data.rolling(impl, profile, "rolling_leaderless_ms"));
        Stats two = Stats.of(data.rolling(impl, profile, "rolling_overlap_ms"));
        Stats dur = Stats.of(data.rolling(impl, profile, "rolling_duration_ms"));
        List<Double> pos = data.rolling(impl, profile, "leader_position");
        StringBuilder positions = new StringBuilder();
        for (int i = 1; i <= Integer.parseInt(replicas); i++) {
          final int at = i;
          positions.append(i == 1 ? "" : "/").append(pos.stream().filter(v -> v == at).count());
        }
        String perTrial = elections.stream().map(v -> Long.toString(Math.round(v)))
            .collect(java.util.stream.Collectors.joining(" "));
        sb.append("| ").append(profile).append(" | ").append(impl).append(" | ").append(el.n()).append(" | ")
            .append(failed).append(" | ").append(el.empty() ? "—" : num0(el.median()) + " / " + num0(el.max())
                + " (" + perTrial + ")").append(" | ")
            .append(gap.empty() ? "—" : ms(gap.median()) + " / " + ms(gap.p95()) + " / " + ms(gap.max())).append(" | ")
            .append(two.empty() ? "—" : ms(two.median()) + " / " + ms(two.max())).append(" | ")
            .append(dur.empty() ? "—" : String.format(Locale.ROOT, "%.1f", dur.median() / 1000)).append(" | ")
            .append(positions).append(" |\n");
      }
    }
  }

  private static String positionsHeader(int replicas) {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= replicas; i++) {
      sb.append(i == 1 ? "" : "/").append(i);
    }
    return sb.toString();
  }

  private static void appendScale(StringBuilder sb, Data data, List<String> impls, Map<String, String> meta) {
    List<Integer> sizes = data.loadSizes();
    if (sizes.isEmpty() || data.rows("apiserver_cpu_ms_per_min").isEmpty()) {
      return;
    }
    sb.append("\n### Scale: one lease, more candidates\n\n");
    sb.append("The steady-state runs again, as the cost for the API server grows with the number of candidates on"
        + " one lease. Lease requests: all candidates together, per minute, ended watches excluded (open"
        + " watches: separate column). API server and etcd CPU: `utime + stime` of the `kube-apiserver` and"
        + " `etcd` processes (`/proc/<pid>/stat`) over the same window, CPU ms per minute; \"idle\" is a window"
        + " with no candidate at all, run before them. Candidates are started in waves of " + Bench.WAVE
        + " (each wave READY before the next). A count is capped where the candidates' memory would not fit"
        + " (VmRSS of this implementation's smaller runs + 25 %, against the machine's memory less "
        + meta.getOrDefault("memory_reserved_for_others_gib", "4") + " GiB for other work); a capped run shows"
        + " \"run (of requested)\".\n\n");
    sb.append("| profile | implementation | candidates | lease requests/min, all | per candidate | open watches |"
        + " API server CPU ms/min | etcd CPU ms/min | start-up of all, s |\n");
    sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (String profile : data.loadProfiles()) {
      OptionalDouble idleApi = data.single("none", profile, 0, "apiserver_cpu_ms_per_min");
      OptionalDouble idleEtcd = data.single("none", profile, 0, "etcd_cpu_ms_per_min");
      if (idleApi.isPresent()) {
        sb.append("| ").append(profile).append(" | (idle) | 0 | 0 | | | ").append(num0(idleApi.getAsDouble()))
            .append(" | ").append(num0(idleEtcd.orElse(Double.NaN))).append(" | |\n");
      }
      for (String impl : impls) {
        for (int n : sizes) {
          OptionalDouble all = data.totalRpm(impl, profile, n, "");
          boolean failed = !data.rows(impl, profile, n, "failure").isEmpty();
          if (all.isEmpty() && !failed) {
            continue;
          }
          int ran = data.ran(impl, profile, n);
          String count = ran == n ? "" + n : ran + " (of " + n + ")";
          if (all.isEmpty()) {
            sb.append("| ").append(profile).append(" | ").append(impl).append(" | ").append(count)
                .append(" | failed: ").append(data.rows(impl, profile, n, "failure").get(0).note())
                .append(" | | | | | |\n");
            continue;
          }
          double requests = all.getAsDouble() - data.totalRpm(impl, profile, n, "WATCH").orElse(0);
          sb.append("| ").append(profile).append(" | ").append(impl).append(" | ").append(count).append(" | ")
              .append(num0(requests)).append(" | ").append(num(requests / ran)).append(" | ")
              .append(num0(data.single(impl, profile, n, "open_watches").orElse(Double.NaN))).append(" | ")
              .append(num0(data.single(impl, profile, n, "apiserver_cpu_ms_per_min").orElse(Double.NaN))).append(" | ")
              .append(num0(data.single(impl, profile, n, "etcd_cpu_ms_per_min").orElse(Double.NaN))).append(" | ")
              .append(num(data.single(impl, profile, n, "startup_s").orElse(Double.NaN))).append(" |\n");
        }
      }
    }
    List<Results.Row> caps = data.rows("capped_to");
    if (!caps.isEmpty()) {
      sb.append("\nCapped by memory:\n\n");
      for (Results.Row r : caps) {
        sb.append("- ").append(r.profile()).append(' ').append(r.impl()).append(": ").append(num0(r.value()))
            .append(" of ").append(r.n()).append(" run: ").append(r.note()).append('\n');
      }
    }
  }

  private static void appendLoad(StringBuilder sb, Data data, List<String> impls, Map<String, String> meta) {
    List<Integer> sizes = data.loadSizes();
    if (sizes.isEmpty()) {
      return;
    }
    List<String> verbs = data.verbs();
    sb.append("\n### API requests in steady state\n\n");
    sb.append("Lease requests per minute **per candidate** (all candidates' requests divided by their number),"
        + " from the API server's `apiserver_request_total` deltas over a ")
        .append(meta.getOrDefault("load_window_s", "?")).append(" s window after a ")
        .append(meta.getOrDefault("load_warmup_s", "?")).append(" s warm-up. The server counts a watch"
        + " when it ends, so open watches are shown separately (`apiserver_longrunning_requests`).\n\n");
    sb.append("| profile | implementation | candidates |");
    verbs.forEach(v -> sb.append(' ').append(v).append(" |"));
    sb.append(" all verbs | open watches |\n|---|---|---:|");
    verbs.forEach(v -> sb.append("---:|"));
    sb.append("---:|---:|\n");
    for (String profile : data.loadProfiles()) {
      for (String impl : impls) {
        for (int n : sizes) {
          OptionalDouble all = data.totalRpm(impl, profile, n, "");
          if (all.isEmpty()) {
            continue;
          }
          int ran = data.ran(impl, profile, n);
          sb.append("| ").append(profile).append(" | ").append(impl).append(" | ").append(ran == n ? "" + n : ran + " (of " + n + ")").append(" |");
          for (String v : verbs) {
            sb.append(' ').append(num(data.totalRpm(impl, profile, n, v).orElse(Double.NaN) / ran)).append(" |");
          }
          sb.append(' ').append(num(all.getAsDouble() / ran)).append(" | ")
              .append(num0(data.single(impl, profile, n, "open_watches").orElse(Double.NaN))).append(" |\n");
        }
      }
    }
    if (sizes.size() >= 2) {
      int a = sizes.get(0);
      int b = sizes.get(1);
      sb.append("\nLeader and follower separately, solved from the two smallest runs (total(n) = leader + (n − 1) ×"
          + " follower with n = ").append(a).append(" and ").append(b).append("); requests per minute, watches"
          + " that ended excluded:\n\n");
      sb.append("| profile | implementation | leader, all verbs | leader by verb | each follower, all verbs |"
          + " follower by verb |\n|---|---|---:|---|---:|---|\n");
      for (String profile : data.profiles()) {
        for (String impl : impls) {
          double[] all = data.leaderFollowerRpm(impl, profile, "");
          if (all == null) {
            continue;
          }
          StringBuilder leaderBy = new StringBuilder();
          StringBuilder followerBy = new StringBuilder();
          for (String v : verbs) {
            if (v.equals("WATCH")) {
              continue;
            }
            double[] lf = data.leaderFollowerRpm(impl, profile, v);
            if (lf != null && Math.abs(lf[0]) >= 0.05) {
              leaderBy.append(leaderBy.length() == 0 ? "" : ", ").append(v).append(' ').append(num(lf[0]));
            }
            if (lf != null && Math.abs(lf[1]) >= 0.05) {
              followerBy.append(followerBy.length() == 0 ? "" : ", ").append(v).append(' ').append(num(lf[1]));
            }
          }
          double[] watch = data.leaderFollowerRpm(impl, profile, "WATCH");
          double leaderAll = all[0] - (watch == null ? 0 : watch[0]);
          double followerAll = all[1] - (watch == null ? 0 : watch[1]);
          sb.append("| ").append(profile).append(" | ").append(impl).append(" | ").append(num(leaderAll))
              .append(" | ").append(leaderBy.length() == 0 ? "—" : leaderBy).append(" | ").append(num(followerAll))
              .append(" | ").append(followerBy.length() == 0 ? "—" : followerBy).append(" |\n");
        }
      }
    }
  }

  private static void appendResources(StringBuilder sb, Data data, List<String> impls) {
    List<Integer> sizes = data.loadSizes();
    if (sizes.isEmpty()) {
      return;
    }
    sb.append("\n### CPU and memory per candidate process in steady state\n\n");
    sb.append("CPU: utime + stime from `/proc/<pid>/stat` over the steady-state window, in CPU milliseconds"
        + " per minute. RSS: `VmRSS` from `/proc/<pid>/status` at the end of the window (whole JVM: heap,"
        + " metaspace, code cache, thread stacks). Live heap: young + old `used` of `jcmd <pid> GC.heap_info`"
        + " right after `jcmd <pid> GC.run` (every process with 3 candidates; leader and 3 followers with 20;"
        + " not taken with more, where jcmd would cost minutes). Non-JVM candidates have no such figure."
        + " Followers: median over the followers. All candidates run with `")
        .append(String.join(" ", CandidateProcess.JVM_OPTIONS)).append("`.\n\n");
    sb.append("| profile | implementation | candidates | CPU ms/min leader | CPU ms/min follower | RSS MiB leader"
        + " | RSS MiB follower | live heap MiB leader | live heap MiB follower |\n");
    sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (String profile : data.loadProfiles()) {
      for (String impl : impls) {
        for (int n : sizes) {
          int ran = data.ran(impl, profile, n);
          Stats cpuL = Stats.of(data.values(impl, profile, n, "cpu_ms_per_min_leader"));
          if (cpuL.empty()) {
            continue;
          }
          Stats cpuF = Stats.of(data.values(impl, profile, n, "cpu_ms_per_min_follower"));
          Stats rssL = Stats.of(data.values(impl, profile, n, "rss_kb_leader"));
          Stats rssF = Stats.of(data.values(impl, profile, n, "rss_kb_follower"));
          Stats heapL = Stats.of(data.values(impl, profile, n, "heap_kb_leader"));
          Stats heapF = Stats.of(data.values(impl, profile, n, "heap_kb_follower"));
          sb.append("| ").append(profile).append(" | ").append(impl).append(" | ")
              .append(ran == n ? "" + n : ran + " (of " + n + ")").append(" | ")
              .append(num0(cpuL.median())).append(" | ").append(num0(cpuF.median())).append(" | ")
              .append(mib(rssL.median())).append(" | ").append(mib(rssF.median())).append(" | ")
              .append(mib(heapL.median())).append(" | ").append(mib(heapF.median())).append(" |\n");
        }
      }
    }
  }

  private static void appendTargets(StringBuilder sb, Data data, Map<String, String> meta) {
    if (!data.impls().contains("ours")) {
      return;
    }
    sb.append("\n### Targets for ours\n\n| profile | target | measured | |\n|---|---|---:|---|\n");
    for (String profile : data.profiles()) {
      Profile p = Profile.byName(profile);
      Stats h = data.stats("ours", profile, "handover_ms");
      if (!h.empty()) {
        sb.append("| ").append(profile).append(" | graceful handover p95 < 250 ms | ").append(ms(h.p95()))
            .append(" ms | ").append(h.p95() < 250 ? "met" : "**missed**").append(" |\n");
      }
      Stats f = data.stats("ours", profile, "failover_ms");
      if (!f.empty()) {
        double bound = p.leaseSeconds() * 1000.0 + 500;
        sb.append("| ").append(profile).append(" | crash failover p95 < lease duration + 500 ms (")
            .append(ms(bound)).append(" ms) | ").append(ms(f.p95())).append(" ms | ")
            .append(f.p95() < bound ? "met" : "**missed**").append(" |\n");
      }
      double[] lf = data.leaderFollowerRpm("ours", profile, "");
      double[] watch = data.leaderFollowerRpm("ours", profile, "WATCH");
      if (lf != null) {
        double follower = lf[1] - (watch == null ? 0 : watch[1]);
        sb.append("| ").append(profile).append(" | followers near zero requests/min apart from the watch | ")
            .append(num(follower)).append(" /min | ").append(Math.abs(follower) < 1 ? "met" : "**missed**")
            .append(" |\n");
      }
    }
  }

  private static void appendAnomalies(StringBuilder sb, Data data) {
    List<Results.Row> failures = data.rows("failure");
    List<Results.Row> anomalies = data.rows("anomaly");
    sb.append("\n### Failed trials and anomalies\n\n");
    if (failures.isEmpty() && anomalies.isEmpty()) {
      sb.append("None.\n");
      return;
    }
    for (Results.Row r : failures) {
      sb.append("- failed: ").append(r.profile()).append(' ').append(r.impl()).append(' ').append(r.scenario())
          .append(r.trial() > 0 ? " trial " + r.trial() : " n=" + r.n()).append(": ").append(r.note()).append('\n');
    }
    for (Results.Row r : anomalies) {
      sb.append("- anomaly: ").append(r.profile()).append(' ').append(r.impl()).append(' ').append(r.scenario())
          .append(r.trial() > 0 ? " trial " + r.trial() : " n=" + r.n()).append(": ").append(r.note()).append('\n');
    }
  }

  private static void appendRun(StringBuilder sb, Map<String, String> meta, Path runDir, Data data) {
    sb.append("\n### This run\n\n| | |\n|---|---|\n");
    row(sb, "command", "`" + meta.getOrDefault("command", "?").trim() + "`");
    row(sb, "machine", meta.getOrDefault("cpu_model", "?") + ", " + meta.getOrDefault("cpus", "?") + " CPUs, "
        + memory(meta.getOrDefault("memory", "?")) + " RAM; " + meta.getOrDefault("os", "?") + ", kernel "
        + meta.getOrDefault("kernel", "?"));
    row(sb, "JDK", meta.getOrDefault("java", "?"));
    row(sb, "API server", "kube-apiserver " + meta.getOrDefault("apiserver.KUBERNETES_VERSION", "?") + " + etcd "
        + meta.getOrDefault("apiserver.ETCD_VERSION", "?") + " on loopback (verification/apiserver/build.sh), admin"
        + " token, namespace default");
    for (String impl : Data.IMPL_ORDER) {
      if (meta.containsKey("version." + impl)) {
        row(sb, impl, meta.get("version." + impl));
      }
    }
    row(sb, "profiles (LD / RD / RP)", meta.getOrDefault("profiles", "?"));
    row(sb, "trials", meta.getOrDefault("trials", "?") + " per implementation, profile and scenario; "
        + meta.getOrDefault("candidates_per_trial", "?") + " candidates per trial, started together on a fresh"
        + " lease; implementations take turns within each trial");
    row(sb, "rolling restart", meta.getOrDefault("rolling_replicas", "?") + " replicas, profiles "
        + meta.getOrDefault("rolling_profiles", "?") + ", " + meta.getOrDefault("trials", "?") + " rollouts each");
    row(sb, "steady state / scale", meta.getOrDefault("load_sizes", "?") + " candidates, profiles "
        + meta.getOrDefault("load_profiles", "?") + ", warm-up " + meta.getOrDefault("load_warmup_s", "?")
        + " s, window " + meta.getOrDefault("load_window_s", "?") + " s, one run per size");
    row(sb, "candidate JVM", "`" + meta.getOrDefault("candidate_jvm_options", "?") + "`");
    row(sb, "started / duration", meta.getOrDefault("started", "?") + " / " + meta.getOrDefault("duration_min", "?")
        + " min");
    row(sb, "machine load", "loadavg at start " + meta.getOrDefault("loadavg_start", "?") + ", at end "
        + meta.getOrDefault("loadavg_end", "?") + "; whole-machine CPU before the run "
        + meta.getOrDefault("background_cpu_start", "?") + ", after it " + meta.getOrDefault("background_cpu_end", "?")
        + loadDuringRun(data));
    Path cwd = Path.of("").toAbsolutePath();
    Path shown = runDir.toAbsolutePath().startsWith(cwd) ? cwd.relativize(runDir.toAbsolutePath()) : runDir;
    row(sb, "raw results", "`" + shown + "` (samples.csv, run.properties, candidate logs; not committed)");
  }

  /** The 1-minute load average taken before each trial (it includes this run's own processes). */
  private static String loadDuringRun(Data data) {
    List<Double> load = data.rows("loadavg1").stream().map(Results.Row::value).filter(v -> !Double.isNaN(v)).toList();
    if (load.isEmpty()) {
      return "";
    }
    Stats s = Stats.of(load);
    return String.format(Locale.ROOT, "; 1-minute load average before each trial (this run's own processes"
        + " included): median %.1f, p95 %.1f, max %.1f", s.median(), s.p95(), s.max());
  }

  /** "24684084 kB" (as /proc/meminfo says it) in GiB. */
  private static String memory(String value) {
    if (value.matches("\\d+ kB")) {
      return String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(value.replaceAll("[^0-9]", "")) / 1048576.0);
    }
    return value;
  }

  private static void row(StringBuilder sb, String key, String value) {
    sb.append("| ").append(key).append(" | ").append(value).append(" |\n");
  }

  private static String profileText(Map<String, String> meta, String profile) {
    Profile p = Profile.byName(profile);
    return "lease " + p.leaseSeconds() + " s, renew deadline " + p.renewDeadlineMs() / 1000.0 + " s, retry period "
        + p.retryPeriodMs() / 1000.0 + " s";
  }

  private static String scenarioOf(String metric) {
    return metric.startsWith("handover") ? "handover" : metric.startsWith("failover") ? "failover" : "";
  }

  private static String ratio(double value, double base) {
    double r = value / base;
    return base <= 0 ? "" : String.format(Locale.ROOT, r < 0.1 ? "%.2f×" : "%.1f×", r);
  }

  private static String ms(double v) {
    return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%,.0f", v);
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.1f", Math.abs(v) < 0.05 ? 0.0 : v);
  }

  private static String num0(double v) {
    return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.0f", v);
  }

  private static String mib(double kb) {
    return Double.isNaN(kb) ? "—" : String.format(Locale.ROOT, "%.1f", kb / 1024);
  }
}
