package io.github.leaderelection.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the run ran on, for the report. */
final class Machine {

  private Machine() {}

  static void describe(Map<String, String> meta, Path repo, Duration backgroundSample) {
    meta.put("cpu_model", firstMatch(Path.of("/proc/cpuinfo"), "model name").orElse("unknown"));
    meta.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
    meta.put("memory", firstMatch(Path.of("/proc/meminfo"), "MemTotal")
        .map(kb -> String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(kb.replaceAll("[^0-9]", "")) / 1048576.0))
        .orElse("unknown"));
    meta.put("kernel", read(Path.of("/proc/sys/kernel/osrelease")).trim());
    meta.put("os", osRelease());
    meta.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
        + " (" + System.getProperty("java.vendor") + ")");
    // The default line (role kubernetes etcd go) of the versions file: what run.sh builds.
    for (String line : read(repo.resolve("verification/apiserver/versions")).split("\n")) {
      String[] f = line.replaceAll("#.*", "").trim().split("\\s+");
      if (f.length >= 3 && f[0].equals("default")) {
        meta.put("apiserver.KUBERNETES_VERSION", f[1]);
        meta.put("apiserver.ETCD_VERSION", f[2]);
      }
    }
    meta.put("loadavg_start", loadAverages());
    meta.put("background_cpu_start", backgroundSample.isZero() ? "not sampled" : backgroundCpu(backgroundSample));
  }

  /** /proc/loadavg's three averages. */
  static String loadAverages() {
    String[] f = read(Path.of("/proc/loadavg")).split(" ");
    return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : "unknown";
  }

  /**
   * How busy the whole machine is over {@code sample} (from /proc/stat), as a share of all
   * CPUs: what other users of the machine take, when nothing of ours runs.
   */
  static String backgroundCpu(Duration sample) {
    long[] a = cpuTimes();
    Bench.sleep(sample.toMillis());
    long[] b = cpuTimes();
    if (a == null || b == null) {
      return "unknown";
    }
    double total = b[0] - a[0];
    double idle = b[1] - a[1];
    return total <= 0 ? "unknown" : String.format(Locale.ROOT, "%.0f%% of %d CPUs busy over %d s", 100 * (1 - idle / total),
        Runtime.getRuntime().availableProcessors(), sample.toSeconds());
  }

  /** {total, idle + iowait} jiffies of the "cpu" line. */
  private static long[] cpuTimes() {
    for (String line : read(Path.of("/proc/stat")).split("\n")) {
      if (line.startsWith("cpu ")) {
        String[] f = line.trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < f.length && i <= 8; i++) {
          total += Long.parseLong(f[i]);
        }
        return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
      }
    }
    return null;
  }

  /**
   * The pid of the runner's descendant process whose executable is named {@code name}
   * (kube-apiserver, etcd: LocalApiServer starts them as child processes).
   */
  static java.util.OptionalLong descendant(String name) {
    return ProcessHandle.current().descendants()
        .filter(h -> h.info().command().map(c -> Path.of(c).getFileName().toString().equals(name)).orElse(false))
        .mapToLong(ProcessHandle::pid).findFirst();
  }

  /** utime + stime of a process in clock ticks (/proc/&lt;pid&gt;/stat fields 14 and 15), -1 if gone. */
  static long cpuTicks(long pid) {
    String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
    if (stat.isEmpty()) {
      return -1;
    }
    String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(rest[11]) + Long.parseLong(rest[12]);
  }

  /** VmRSS of a process in KiB, -1 if gone. */
  static long rssKb(long pid) {
    return kbField(Path.of("/proc", Long.toString(pid), "status"), "VmRSS:");
  }

  /** MemAvailable of /proc/meminfo in KiB. */
  static long memAvailableKb() {
    return kbField(Path.of("/proc/meminfo"), "MemAvailable:");
  }

  /** MemTotal of /proc/meminfo in KiB. */
  static long memTotalKb() {
    return kbField(Path.of("/proc/meminfo"), "MemTotal:");
  }

  private static long kbField(Path file, String key) {
    for (String line : read(file).split("\n")) {
      if (line.startsWith(key)) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  static long clockTicksPerSecond() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      p.waitFor();
      return Long.parseLong(out);
    } catch (IOException | RuntimeException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }

  private static String osRelease() {
    for (String line : read(Path.of("/etc/os-release")).split("\n")) {
      if (line.startsWith("PRETTY_NAME=")) {
        return line.substring("PRETTY_NAME=".length()).replace("\"", "");
      }
    }
    return System.getProperty("os.name") + " " + System.getProperty("os.version");
  }

  private static java.util.Optional<String> firstMatch(Path file, String key) {
    for (String line : read(file).split("\n")) {
      if (line.startsWith(key)) {
        int colon = line.indexOf(':');
        return java.util.Optional.of(line.substring(colon + 1).trim());
      }
    }
    return java.util.Optional.empty();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }

  static List<String> lines(String s) {
    return List.of(s.split("\n"));
  }
}
