package io.github.leaderelection.benchmarks;

import io.github.leaderelection.testsupport.LocalApiServer;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Runs the leader-election benchmarks: our elector, client-java-extended's and fabric8's (and,
 * when named in --impls, client-go's, a Node.js one and Spring Cloud Kubernetes'), each
 * as separate candidate processes (../candidates) against a local etcd + kube-apiserver that
 * this program starts, with the same timings. See docs/benchmarks.md, and
 * {@code verification/benchmarks/run.sh --help}.
 */
public final class BenchmarkRunner {

  private static final String USAGE = """
      Usage: verification/benchmarks/run.sh [options]
        --smoke                 2 handover trials of every implementation, fast profile, no docs
                                written; exits non-zero on any failed trial (about a minute)
        --impls LIST            ours,client-java,fabric8,client-go,node,spring-cloud,
                                spring-cloud-fabric8 (the default: all; verification/candidates/PROTOCOL.md)
        --profiles LIST         default,fast (default: both; default = 15/10/2 s, fast = 4/3/1 s)
        --scenarios LIST        handover,failover,rolling,load (default: all; every handover and
                                failover trial also gives a time-to-first-leader sample; load is
                                the steady state and scale run, one per size in --load-sizes)
        --rolling-profiles LIST profiles of the rolling restart (default: --profiles)
        --rolling-replicas N    replicas of the rolling restart (default 3)
        --load-profiles LIST    profiles of the steady-state/scale runs (default: --profiles)
        --trials N              trials per implementation, profile and scenario (default 20)
        --candidates N          candidates per handover/failover trial (default 3)
        --load-sizes LIST       candidate counts for the steady-state/scale runs (default 3,20,100;
                                capped where the candidates' memory would not fit, and said so)
        --load-warmup-s N       steady state: wait after the first leader (default 30)
        --load-window-s N       steady state: measuring window (default 120)
        --seed N                for the random settle times (default 1)
        --apiserver-bin DIR     etcd + kube-apiserver (default: $LEADER_ELECTION_APISERVER_BIN)
        --repo DIR              repository root (default: found above the working directory)
        --out DIR               raw results (default: verification/benchmarks/target/results/<UTC time>)
        --docs DIR              where benchmarks.md and benchmarks.png go (default: <repo>/docs)
        --no-docs               do not write docs
        --render DIR            only render docs from the raw results in DIR, run nothing
      """;

  private BenchmarkRunner() {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> opts = parse(argv);
    if (opts.containsKey("help")) {
      System.out.print(USAGE);
      return;
    }
    Path repo = opts.containsKey("repo") ? Path.of(opts.get("repo")) : Candidates.locateRepo(Path.of(""));
    Path docs = Path.of(opts.getOrDefault("docs", repo.resolve("docs").toString()));
    if (opts.containsKey("render")) {
      Path dir = Path.of(opts.get("render"));
      Report.render(dir, Results.read(dir), loadProperties(dir), docs);
      System.out.println("Rendered " + docs.resolve(Report.MARKDOWN) + " and " + docs.resolve(Report.CHART));
      return;
    }
    boolean smoke = opts.containsKey("smoke");
    if (smoke) {
      opts.putIfAbsent("profiles", "fast");
      opts.putIfAbsent("scenarios", "handover");
      opts.putIfAbsent("trials", "2");
      opts.put("no-docs", "");
    }
    List<Impl> impls = list(opts.getOrDefault("impls", String.join(",", Data.IMPL_ORDER))).stream()
        .map(Impl::byId).toList();
    String profileList = opts.getOrDefault("profiles", "default,fast");
    List<Profile> profiles = list(profileList).stream().map(Profile::byName).toList();
    List<Profile> rollingProfiles = list(opts.getOrDefault("rolling-profiles", profileList)).stream()
        .map(Profile::byName).toList();
    List<Profile> loadProfiles = list(opts.getOrDefault("load-profiles", profileList)).stream()
        .map(Profile::byName).toList();
    int replicas = Integer.parseInt(opts.getOrDefault("rolling-replicas", "3"));
    List<String> scenarios = list(opts.getOrDefault("scenarios", "handover,failover,rolling,load"));
    for (String s : scenarios) {
      if (!List.of("handover", "failover", "rolling", "load").contains(s)) {
        throw new IllegalArgumentException("unknown scenario " + s);
      }
    }
    int trials = Integer.parseInt(opts.getOrDefault("trials", "20"));
    int perTrial = Integer.parseInt(opts.getOrDefault("candidates", "3"));
    List<Integer> loadSizes = list(opts.getOrDefault("load-sizes", "3,20,100")).stream().map(Integer::parseInt).toList();
    long warmupMs = Long.parseLong(opts.getOrDefault("load-warmup-s", "30")) * 1000;
    long windowMs = Long.parseLong(opts.getOrDefault("load-window-s", "120")) * 1000;
    long seed = Long.parseLong(opts.getOrDefault("seed", "1"));
    String bin = opts.getOrDefault("apiserver-bin", System.getenv("LEADER_ELECTION_APISERVER_BIN"));
    if (bin == null || bin.isBlank()) {
      throw new IllegalArgumentException("no API server binaries: pass --apiserver-bin DIR or set"
          + " LEADER_ELECTION_APISERVER_BIN (verification/apiserver/build.sh prints the directory)");
    }
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
    Path out = Path.of(opts.getOrDefault("out",
        repo.resolve("verification/benchmarks/target/results/" + (smoke ? "smoke-" : "") + stamp).toString()));
    Candidates candidates = new Candidates(repo, impls);

    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("command", "verification/benchmarks/run.sh " + String.join(" ", argv));
    meta.put("started", Instant.now().toString());
    meta.put("trials", Integer.toString(trials));
    meta.put("candidates_per_trial", Integer.toString(perTrial));
    meta.put("load_sizes", loadSizes.toString());
    meta.put("load_warmup_s", Long.toString(warmupMs / 1000));
    meta.put("load_window_s", Long.toString(windowMs / 1000));
    meta.put("profiles", profiles.stream().map(p -> p.name() + " " + p.describe()).toList().toString());
    meta.put("rolling_profiles", rollingProfiles.stream().map(Profile::name).toList().toString());
    meta.put("rolling_replicas", Integer.toString(replicas));
    meta.put("load_profiles", loadProfiles.stream().map(Profile::name).toList().toString());
    meta.put("memory_reserved_for_others_gib", Long.toString(Bench.RESERVED_KB / 1024 / 1024));
    meta.put("scenarios", scenarios.toString());
    meta.put("candidate_jvm_options", String.join(" ", CandidateProcess.JVM_OPTIONS));
    // A smoke run skips the 2 x 5 s samples of the machine's background load.
    Machine.describe(meta, repo, smoke ? Duration.ZERO : Duration.ofSeconds(5));
    for (Impl impl : impls) {
      meta.put("version." + impl.id, candidates.describe(impl));
    }
    System.out.println("Machine load before starting: loadavg " + meta.get("loadavg_start") + "; "
        + meta.get("background_cpu_start"));

    Files.createDirectories(out);
    int failures = 0;
    List<String> failureMessages = new ArrayList<>();
    long started = System.nanoTime();
    try (Results results = new Results(out);
         LocalApiServer server = LocalApiServer.start(Path.of(bin))) {
      Path kubeconfig = server.writeKubeconfig(out.resolve("kubeconfig"), server.adminToken());
      Bench bench = new Bench(candidates, kubeconfig, "default", new ServerMetrics(server), results,
          out.resolve("logs"), seed, Machine.clockTicksPerSecond());
      System.out.printf("API server up in %d ms; results in %s%n", server.startupTime().toMillis(), out);

      // The latency trials first, then the rolling restarts, then the steady-state/scale runs (the
      // 100-candidate ones are the heaviest: last, so a stop at the deadline keeps the rest).
      for (Profile profile : profiles) {
        boolean handover = scenarios.contains("handover");
        boolean failover = scenarios.contains("failover");
        for (int trial = 1; trial <= trials && (handover || failover); trial++) {
          // Implementations take turns within a trial (rotated), so a change in the machine's
          // load during the run touches them all alike.
          for (Impl impl : rotate(impls, trial)) {
            for (boolean crash : new boolean[] {false, true}) {
              if ((crash && !failover) || (!crash && !handover)) {
                continue;
              }
              try {
                bench.latencyTrial(impl, profile, crash, perTrial, trial);
              } catch (Bench.TrialFailure e) {
                failures++;
                String msg = profile.name() + " " + impl.id + " " + (crash ? "failover" : "handover")
                    + " trial " + trial + ": " + e.getMessage();
                failureMessages.add(msg);
                System.out.println("  FAILED " + msg);
              }
            }
          }
        }
      }
      if (scenarios.contains("rolling")) {
        for (Profile profile : rollingProfiles) {
          for (int trial = 1; trial <= trials; trial++) {
            for (Impl impl : rotate(impls, trial)) {
              try {
                bench.rollingRestart(impl, profile, replicas, trial);
              } catch (Bench.TrialFailure e) {
                failures++;
                String msg = profile.name() + " " + impl.id + " rolling trial " + trial + ": " + e.getMessage();
                failureMessages.add(msg);
                System.out.println("  FAILED " + msg);
              }
            }
          }
        }
      }
      if (scenarios.contains("load")) {
        for (Profile profile : loadProfiles) {
          bench.idleServer(profile, Math.min(windowMs, 60_000));
          for (int n : loadSizes.stream().sorted().toList()) {
            for (Impl impl : impls) {
              try {
                bench.steadyState(impl, profile, n, warmupMs, windowMs);
              } catch (Bench.TrialFailure e) {
                failures++;
                String msg = profile.name() + " " + impl.id + " load n=" + n + ": " + e.getMessage();
                failureMessages.add(msg);
                System.out.println("  FAILED " + msg);
              }
            }
          }
        }
      }
      meta.put("finished", Instant.now().toString());
      meta.put("duration_min", String.format(Locale.ROOT, "%.1f", (System.nanoTime() - started) / 60e9));
      meta.put("failures", Integer.toString(failures));
      meta.put("apiserver_startup_ms", Long.toString(server.startupTime().toMillis()));
    }
    meta.put("background_cpu_end", smoke ? "not sampled" : Machine.backgroundCpu(Duration.ofSeconds(5)));
    meta.put("loadavg_end", Machine.loadAverages());
    saveProperties(out, meta);

    if (!opts.containsKey("no-docs")) {
      Report.render(out, Results.read(out), meta, docs);
      System.out.println("Wrote " + docs.resolve(Report.MARKDOWN) + " and " + docs.resolve(Report.CHART));
    } else {
      System.out.print(Report.summary(Results.read(out)));
    }
    System.out.printf("Done in %.1f min, %d failed trial(s). Raw results: %s%n",
        (System.nanoTime() - started) / 60e9, failures, out);
    if (failures > 0) {
      System.err.println("FAILED trials:");
      failureMessages.forEach(m -> System.err.println("  " + m));
      if (smoke) {
        System.exit(1);
      }
    }
  }

  private static <T> List<T> rotate(List<T> list, int by) {
    List<T> rotated = new ArrayList<>(list);
    java.util.Collections.rotate(rotated, -(by % Math.max(1, list.size())));
    return rotated;
  }

  private static List<String> list(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static Map<String, String> parse(String[] argv) {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i < argv.length; i++) {
      String a = argv[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + a + "\n" + USAGE);
      }
      String name = a.substring(2);
      if (List.of("smoke", "no-docs", "help").contains(name)) {
        opts.put(name, "");
      } else if (i + 1 < argv.length) {
        opts.put(name, argv[++i]);
      } else {
        throw new IllegalArgumentException("missing value for " + a + "\n" + USAGE);
      }
    }
    return opts;
  }

  private static void saveProperties(Path dir, Map<String, String> meta) throws IOException {
    Properties p = new Properties();
    p.putAll(meta);
    try (Writer w = Files.newBufferedWriter(dir.resolve("run.properties"))) {
      p.store(w, "benchmark run");
    }
  }

  private static Map<String, String> loadProperties(Path dir) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(dir.resolve("run.properties"))) {
      p.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + dir.resolve("run.properties"), e);
    }
    Map<String, String> meta = new LinkedHashMap<>();
    p.stringPropertyNames().stream().sorted().forEach(k -> meta.put(k, p.getProperty(k)));
    return meta;
  }
}
