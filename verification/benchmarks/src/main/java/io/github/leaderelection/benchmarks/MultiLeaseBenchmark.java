package io.github.leaderelection.benchmarks;

import io.github.leaderelection.testsupport.LocalApiServer;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The multi-lease scenario of issue 12 (docs/benchmarks-multi.md): N candidate processes
 * ("pods"), each running L elections ({@code --leases L}, verification/candidates/PROTOCOL.md
 * "Several leases"), for L = 1, 10, 50; after every lease has a leader and a warm-up, the API
 * server's Lease request counters are read at both ends of a window, and its open Lease watches
 * are sampled during it. Variants: ours with its shared watch, ours with the shared watch and
 * balancing, client-java and fabric8 as one elector per lease.
 *
 * <p>Kept apart from {@link BenchmarkRunner} (its own main, script {@code run-multi.sh}, its own
 * docs file), so the two change independently. Every point runs in a namespace of its own, so
 * ours' namespace-wide shared watch sees only the Leases of that point.
 */
public final class MultiLeaseBenchmark {

  static final String MARKDOWN = "benchmarks-multi.md";
  static final String CHART = "benchmarks-multi.png";

  private static final String USAGE = """
      Usage: verification/benchmarks/run-multi.sh [options]
        --variants LIST     ours,ours-balanced,client-java,fabric8 (default); also ours-own-watch
                            (ours with --shared-watch false: one watch per elector)
        --leases LIST       elections per pod (default 1,10,50)
        --pods N            candidate processes (default 5)
        --profile NAME      default (15/10/2 s, the default) or fast (4/3/1 s)
        --warmup-s N        after every lease has a leader (default 30)
        --window-s N        measuring window (default 120)
        --apiserver-bin DIR etcd + kube-apiserver (default: $LEADER_ELECTION_APISERVER_BIN)
        --out DIR           raw results (default verification/benchmarks/target/results-multi/<UTC time>)
        --docs DIR          where benchmarks-multi.md and .png go (default <repo>/docs)
        --no-docs           do not write docs
        --render DIR        only redraw the docs from the results.tsv in DIR
      """;

  /** A way to run L elections in a process. */
  enum Variant {
    OURS("ours", Impl.OURS, List.of(), "ours, one shared watch"),
    OURS_BALANCED("ours-balanced", Impl.OURS, List.of("--balance", "true"), "ours, shared watch + balancing"),
    OURS_OWN_WATCH("ours-own-watch", Impl.OURS, List.of("--shared-watch", "false"), "ours, a watch per elector"),
    CLIENT_JAVA("client-java", Impl.CLIENT_JAVA, List.of(), "client-java, one elector per lease"),
    FABRIC8("fabric8", Impl.FABRIC8, List.of(), "fabric8, one elector per lease");

    final String id;
    final Impl impl;
    final List<String> extraArgs;
    final String label;

    Variant(String id, Impl impl, List<String> extraArgs, String label) {
      this.id = id;
      this.impl = impl;
      this.extraArgs = extraArgs;
      this.label = label;
    }

    static Variant byId(String id) {
      return Arrays.stream(values()).filter(v -> v.id.equals(id)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("unknown variant " + id));
    }
  }

  /** The verbs reported, in this order. */
  static final List<String> VERBS = List.of("GET", "PUT", "PATCH", "POST", "DELETE", "LIST", "WATCH");

  private MultiLeaseBenchmark() {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> opts = parse(argv);
    if (opts.containsKey("help")) {
      System.out.print(USAGE);
      return;
    }
    Path repo = Candidates.locateRepo(Path.of(""));
    Path docs = Path.of(opts.getOrDefault("docs", repo.resolve("docs").toString()));
    if (opts.containsKey("render")) {
      Path dir = Path.of(opts.get("render"));
      MultiLeaseReport.render(MultiLeaseReport.read(dir.resolve("results.tsv")), readMeta(dir), docs);
      System.out.println("Rendered " + docs.resolve(MARKDOWN) + " and " + docs.resolve(CHART));
      return;
    }
    List<Variant> variants = list(opts.getOrDefault("variants", "ours,ours-balanced,client-java,fabric8"))
        .stream().map(Variant::byId).toList();
    List<Integer> leases = list(opts.getOrDefault("leases", "1,10,50")).stream().map(Integer::parseInt).toList();
    int pods = Integer.parseInt(opts.getOrDefault("pods", "5"));
    Profile profile = Profile.byName(opts.getOrDefault("profile", "default"));
    long warmupMs = Long.parseLong(opts.getOrDefault("warmup-s", "30")) * 1000;
    long windowMs = Long.parseLong(opts.getOrDefault("window-s", "120")) * 1000;
    String bin = opts.getOrDefault("apiserver-bin", System.getenv("LEADER_ELECTION_APISERVER_BIN"));
    if (bin == null || bin.isBlank()) {
      throw new IllegalArgumentException("no API server binaries: --apiserver-bin DIR or LEADER_ELECTION_APISERVER_BIN");
    }
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
    Path out = Path.of(opts.getOrDefault("out", repo.resolve("verification/benchmarks/target/results-multi/" + stamp).toString()));
    Files.createDirectories(out);
    Candidates candidates = new Candidates(repo, variants.stream().map(v -> v.impl).distinct().toList());

    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("command", "verification/benchmarks/run-multi.sh " + String.join(" ", argv));
    meta.put("started", Instant.now().toString());
    meta.put("pods", Integer.toString(pods));
    meta.put("profile", profile.name() + " " + profile.describe());
    meta.put("warmup_s", Long.toString(warmupMs / 1000));
    meta.put("window_s", Long.toString(windowMs / 1000));
    meta.put("candidate_jvm_options", String.join(" ", CandidateProcess.JVM_OPTIONS));
    Machine.describe(meta, repo, Duration.ZERO);
    for (Variant v : variants) {
      meta.put("version." + v.impl.id, candidates.describe(v.impl));
    }
    List<MultiLeaseReport.Point> points = new ArrayList<>();
    long started = System.nanoTime();
    try (LocalApiServer server = LocalApiServer.start(Path.of(bin))) {
      Path kubeconfig = server.writeKubeconfig(out.resolve("kubeconfig"), server.adminToken());
      ServerMetrics metrics = new ServerMetrics(server);
      ApiClient admin = server.client(server.adminToken());
      System.out.printf("API server up in %d ms; results in %s%n", server.startupTime().toMillis(), out);
      int counter = 0;
      for (int l : leases) {
        for (Variant v : variants) {
          String ns = ("multi-" + v.id + "-l" + l + "-" + (++counter)).replaceAll("[^a-z0-9-]", "-");
          new CoreV1Api(admin).createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(ns))).execute();
          try {
            MultiLeaseReport.Point p = point(v, l, pods, profile, warmupMs, windowMs, candidates, kubeconfig, ns,
                metrics, out.resolve("logs").resolve(ns));
            points.add(p);
            MultiLeaseReport.write(points, out.resolve("results.tsv"));
            System.out.printf("  %-14s L=%-3d requests/min (all pods) %8.1f  %s; open watches per pod %.2f;"
                    + " leases led per pod %d..%d; ELECTED in window %d%n", v.id, l, p.rpmAll(), p.byVerb(),
                p.openWatchesAvg() / pods, p.leadersMin(), p.leadersMax(), p.electedInWindow());
          } catch (PointFailure e) {
            System.out.println("  FAILED " + v.id + " L=" + l + ": " + e.getMessage());
            meta.put("failure." + v.id + ".l" + l, e.getMessage());
          }
        }
      }
    }
    meta.put("finished", Instant.now().toString());
    meta.put("duration_min", String.format(Locale.ROOT, "%.1f", (System.nanoTime() - started) / 60e9));
    meta.put("loadavg_end", Machine.loadAverages());
    writeMeta(out, meta);
    if (!opts.containsKey("no-docs")) {
      MultiLeaseReport.render(points, meta, docs);
      System.out.println("Wrote " + docs.resolve(MARKDOWN) + " and " + docs.resolve(CHART));
    }
    System.out.printf("Done in %.1f min. Raw results: %s%n", (System.nanoTime() - started) / 60e9, out);
  }

  static final class PointFailure extends Exception {
    PointFailure(String message) {
      super(message);
    }
  }

  /** One point: {@code pods} processes of {@code v} with {@code l} elections each. */
  static MultiLeaseReport.Point point(Variant v, int l, int pods, Profile profile, long warmupMs, long windowMs,
      Candidates candidates, Path kubeconfig, String ns, ServerMetrics metrics, Path logs)
      throws PointFailure, IOException, InterruptedException {
    Files.createDirectories(logs);
    List<Pod> procs = new ArrayList<>();
    try {
      for (int i = 1; i <= pods; i++) {
        List<String> command = new ArrayList<>(candidates.command(v.impl));
        command.addAll(List.of("--kubeconfig", kubeconfig.toString(), "--namespace", ns, "--lease", "m",
            "--identity", ns + "-p" + i,
            "--lease-duration", Integer.toString(profile.leaseSeconds()),
            "--renew-deadline", Long.toString(profile.renewDeadlineMs()),
            "--retry-period", Long.toString(profile.retryPeriodMs()),
            "--leases", Integer.toString(l)));
        command.addAll(v.extraArgs);
        procs.add(Pod.start(command, ns + "-p" + i, kubeconfig, logs));
      }
      // Every lease led, every pod ready.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
      while (!(procs.stream().allMatch(Pod::ready) && ledLeases(procs) == l)) {
        for (Pod p : procs) {
          if (!p.process.isAlive()) {
            throw new PointFailure(p.identity + " exited; see " + p.log);
          }
        }
        if (System.nanoTime() > deadline) {
          throw new PointFailure("only " + ledLeases(procs) + " of " + l + " leases led after 240 s");
        }
        Thread.sleep(200);
      }
      if (v.extraArgs.contains("--balance")) {
        // Balancing moves leases one settle time (LD) after the view stopped changing: measure the
        // balanced state, not the moves (L/N rounded down or up per pod; up to 5 min).
        long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < until && !balanced(procs, l)) {
          Thread.sleep(500);
        }
        if (!balanced(procs, l)) {
          throw new PointFailure("not balanced 5 min after every lease had a leader: "
              + procs.stream().map(p -> Integer.toString(p.leading())).toList());
        }
      }
      Thread.sleep(warmupMs);
      Map<String, Long> m0 = metrics.requestsByVerb();
      Map<Pod, Long> cpu0 = new HashMap<>();
      for (Pod p : procs) {
        cpu0.put(p, p.cpuTicks());
      }
      long elected0 = procs.stream().mapToLong(Pod::electedLines).sum();
      long t0 = System.nanoTime();
      // Open watches: sampled every 10 s through the window (a watch that was re-established
      // between samples is counted once; one that ended shows in the WATCH counter instead).
      List<Long> watchSamples = new ArrayList<>();
      long sampleEvery = Math.min(10_000, windowMs / 4);
      while (System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(windowMs)) {
        long left = TimeUnit.MILLISECONDS.toNanos(windowMs) - (System.nanoTime() - t0);
        Thread.sleep(Math.min(sampleEvery, Math.max(1, left / 1_000_000)));
        watchSamples.add(metrics.openLeaseWatches());
      }
      Map<String, Long> m1 = metrics.requestsByVerb();
      long t1 = System.nanoTime();
      double minutes = (t1 - t0) / 60e9;
      double cpuMsPerMin = 0;
      long rssKb = 0;
      for (Pod p : procs) {
        cpuMsPerMin += (p.cpuTicks() - cpu0.get(p)) * 1000.0 / Machine.clockTicksPerSecond() / minutes;
        rssKb += p.rssKb();
      }
      long elected1 = procs.stream().mapToLong(Pod::electedLines).sum();
      Map<String, Double> rpm = new LinkedHashMap<>();
      for (String verb : VERBS) {
        rpm.put(verb, (m1.getOrDefault(verb, 0L) - m0.getOrDefault(verb, 0L)) / minutes);
      }
      for (String verb : m1.keySet()) {
        if (!rpm.containsKey(verb)) {
          rpm.put(verb, (m1.get(verb) - m0.getOrDefault(verb, 0L)) / minutes);
        }
      }
      int[] led = procs.stream().mapToInt(Pod::leading).toArray();
      for (Pod p : procs) {
        if (!p.malformed.isEmpty()) {
          throw new PointFailure(p.identity + " printed lines outside the protocol: " + p.malformed);
        }
      }
      return new MultiLeaseReport.Point(v.id, l, pods, (t1 - t0) / 1e9, rpm,
          watchSamples.stream().mapToLong(Long::longValue).average().orElse(Double.NaN),
          watchSamples.stream().mapToLong(Long::longValue).max().orElse(0),
          cpuMsPerMin / pods, rssKb / 1024.0 / pods, elected1 - elected0,
          Arrays.stream(led).min().orElse(0), Arrays.stream(led).max().orElse(0));
    } finally {
      for (Pod p : procs) {
        p.process.destroyForcibly();
      }
      for (Pod p : procs) {
        p.process.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** Every pod leads L/N leases, rounded down or up, and every lease has a leader. */
  private static boolean balanced(List<Pod> procs, int l) {
    int floor = l / procs.size();
    int ceil = (l + procs.size() - 1) / procs.size();
    return ledLeases(procs) == l && procs.stream().allMatch(p -> p.leading() >= floor && p.leading() <= ceil);
  }

  /** How many distinct leases some pod leads now. */
  private static int ledLeases(List<Pod> procs) {
    java.util.Set<String> led = new java.util.HashSet<>();
    for (Pod p : procs) {
      led.addAll(p.leadingLeases());
    }
    return led.size();
  }

  /** One candidate process with several leases: its lines, per lease, as far as this scenario needs. */
  static final class Pod {
    final String identity;
    final Process process;
    final Path log;
    private final Map<String, Boolean> leading = new TreeMap<>();
    private final List<String> malformed = new ArrayList<>();
    private long electedLines;
    private volatile boolean ready;

    private Pod(String identity, Process process, Path log) {
      this.identity = identity;
      this.process = process;
      this.log = log;
      Thread reader = new Thread(this::read, "stdout-" + identity);
      reader.setDaemon(true);
      reader.start();
    }

    static Pod start(List<String> command, String identity, Path kubeconfig, Path logs) throws IOException {
      Path log = logs.resolve(identity + ".log");
      ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.to(log.toFile()));
      pb.environment().keySet().removeIf(k -> k.toLowerCase().endsWith("_proxy"));
      pb.environment().put("HOSTNAME", identity);
      pb.environment().put("KUBECONFIG", kubeconfig.toAbsolutePath().toString());
      return new Pod(identity, pb.start(), log);
    }

    private void read() {
      Path copy = log.resolveSibling(identity + ".out");
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
           BufferedWriter w = Files.newBufferedWriter(copy, StandardCharsets.UTF_8)) {
        String line;
        while ((line = r.readLine()) != null) {
          w.write(line);
          w.newLine();
          accept(line);
        }
      } catch (IOException ignored) {
        // process gone
      }
    }

    /** One line of PROTOCOL.md "Several leases". */
    synchronized void accept(String line) {
      MultiLeaseLine parsed = MultiLeaseLine.parse(line);
      if (parsed == null) {
        malformed.add(line);
        return;
      }
      if (parsed.lease() == null) {
        if (parsed.kind().equals("READY")) {
          ready = true;
        }
        return;
      }
      switch (parsed.kind()) {
        case "ELECTED" -> {
          leading.put(parsed.lease(), true);
          electedLines++;
        }
        case "LOST" -> leading.put(parsed.lease(), false);
        default -> {
          // not needed here
        }
      }
    }

    boolean ready() {
      return ready;
    }

    synchronized long electedLines() {
      return electedLines;
    }

    synchronized int leading() {
      return (int) leading.values().stream().filter(b -> b).count();
    }

    synchronized List<String> leadingLeases() {
      return leading.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
    }

    long cpuTicks() {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(rest[11]) + Long.parseLong(rest[12]);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    long rssKb() {
      try {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
          if (line.startsWith("VmRSS:")) {
            return Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        }
        return 0;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
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
      if (List.of("no-docs", "help").contains(name)) {
        opts.put(name, "");
      } else if (i + 1 < argv.length) {
        opts.put(name, argv[++i]);
      } else {
        throw new IllegalArgumentException("missing value for " + a + "\n" + USAGE);
      }
    }
    return opts;
  }

  private static void writeMeta(Path dir, Map<String, String> meta) throws IOException {
    java.util.Properties p = new java.util.Properties();
    p.putAll(meta);
    try (var w = Files.newBufferedWriter(dir.resolve("run.properties"))) {
      p.store(w, "multi-lease benchmark run");
    }
  }

  private static Map<String, String> readMeta(Path dir) throws IOException {
    java.util.Properties p = new java.util.Properties();
    try (var r = Files.newBufferedReader(dir.resolve("run.properties"))) {
      p.load(r);
    }
    Map<String, String> meta = new TreeMap<>();
    p.stringPropertyNames().forEach(k -> meta.put(k, p.getProperty(k)));
    return meta;
  }
}
