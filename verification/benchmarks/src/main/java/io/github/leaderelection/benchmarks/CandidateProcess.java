package io.github.leaderelection.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One candidate process (a JVM, or another program: see {@link Impl.Kind}): started with the protocol's arguments, its stdout lines parsed as they
 * come (times in them are the candidate's {@code System.nanoTime()}, the machine's monotonic
 * clock, so they compare with the runner's) and copied to {@code <identity>.out}, its stderr
 * in {@code <identity>.log}.
 */
final class CandidateProcess {

  /** One protocol line: type, the time field when the type has one, and all fields. */
  record Event(String type, long nanos, List<String> fields) {}

  /** JVM options of every JVM candidate, whatever the implementation. */
  static final List<String> JVM_OPTIONS = List.of(
      "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  private static final Pattern HEAP_USED = Pattern.compile("(?:generation|space)\\s+total\\s+\\d+K,\\s+used\\s+(\\d+)K");

  final Impl impl;
  final String identity;
  /** The runner's nanoTime just before the process was started. */
  final long launchedAt;
  final Path log;
  private final Process process;
  private final Object bus;
  private final List<Event> events = new ArrayList<>();
  private final List<String> malformed = new ArrayList<>();
  private volatile boolean eof;
  /** The runner's nanoTime when stdout ended (0 while it has not). */
  private volatile long endedAt;

  private CandidateProcess(Impl impl, String identity, long launchedAt, Path log, Process process, Object bus) {
    this.impl = impl;
    this.identity = identity;
    this.launchedAt = launchedAt;
    this.log = log;
    this.process = process;
    this.bus = bus;
    Thread reader = new Thread(this::readLines, "stdout-" + identity);
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts a candidate. {@code bus} is notified after each line, so one waiter can watch
   * several processes.
   */
  static CandidateProcess launch(Impl impl, Candidates candidates, Path kubeconfig, String namespace,
      String lease, String identity, Profile profile, Path logDir, Object bus) {
    List<String> command = new ArrayList<>(candidates.command(impl));
    command.addAll(List.of(
        "--kubeconfig", kubeconfig.toString(),
        "--namespace", namespace,
        "--lease", lease,
        "--identity", identity,
        "--lease-duration", Integer.toString(profile.leaseSeconds()),
        "--renew-deadline", Long.toString(profile.renewDeadlineMs()),
        "--retry-period", Long.toString(profile.retryPeriodMs())));
    Path log = logDir.resolve(identity + ".log");
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.to(log.toFile()));
    // Loopback only: no proxy settings of the environment may reach the clients.
    pb.environment().keySet().removeIf(k -> k.toLowerCase().endsWith("_proxy"));
    // What a pod would have (PROTOCOL.md): programs that read them (spring-cloud) need them.
    pb.environment().put("HOSTNAME", identity);
    pb.environment().put("KUBECONFIG", kubeconfig.toAbsolutePath().toString());
    long launchedAt = System.nanoTime();
    try {
      return new CandidateProcess(impl, identity, launchedAt, log, pb.start(), bus);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + command, e);
    }
  }

  private void readLines() {
    Path copy = log.resolveSibling(identity + ".out");
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
         java.io.BufferedWriter w = Files.newBufferedWriter(copy, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        w.write(line);
        w.newLine();
        w.flush();
        Event e = parse(line);
        synchronized (this) {
          if (e == null) {
            malformed.add(line);
          } else {
            events.add(e);
          }
        }
        synchronized (bus) {
          bus.notifyAll();
        }
      }
    } catch (IOException ignored) {
      // process gone
    } finally {
      endedAt = System.nanoTime();
      eof = true;
      synchronized (bus) {
        bus.notifyAll();
      }
    }
  }

  private static Event parse(String line) {
    List<String> f = Arrays.asList(line.trim().split(" "));
    if (f.isEmpty()) {
      return null;
    }
    String type = f.get(0);
    try {
      return switch (type) {
        case "READY" -> f.size() >= 3 ? new Event(type, 0, f) : null;
        case "ELECTED", "LOST", "RENEWED", "WORK_START", "WORK_END", "CLOSED" ->
            f.size() >= 2 ? new Event(type, Long.parseLong(f.get(1)), f) : null;
        // A line type added to the protocol later: kept, not interpreted.
        default -> type.matches("[A-Z_]+") ? new Event(type, 0, f) : null;
      };
    } catch (NumberFormatException e) {
      return null;
    }
  }

  synchronized List<Event> events(String type) {
    return events.stream().filter(e -> e.type().equals(type)).toList();
  }

  synchronized Optional<Event> first(String type) {
    return events.stream().filter(e -> e.type().equals(type)).findFirst();
  }

  synchronized List<String> malformedLines() {
    return List.copyOf(malformed);
  }

  /** Its events so far and when its output ended, for {@link LeaderTimeline}. */
  synchronized LeaderTimeline.ProcessLog timelineLog() {
    return new LeaderTimeline.ProcessLog(identity, List.copyOf(events), eof ? endedAt : null);
  }

  /** Whether stdout has ended (the process exited or closed it). */
  boolean outputEnded() {
    return eof;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /**
   * SIGTERM: the candidate stops its elector (releasing where it can) and exits. Sent through
   * the ProcessHandle: Process.destroy() would also close our end of its stdout, losing the
   * LOST and CLOSED lines it prints while stopping.
   */
  void terminate() {
    process.toHandle().destroy();
  }

  /** SIGKILL, as a crash. */
  void kill() {
    process.toHandle().destroyForcibly();
  }

  boolean waitFor(long millis) throws InterruptedException {
    return process.waitFor(millis, TimeUnit.MILLISECONDS);
  }

  /** utime + stime in clock ticks, from /proc/&lt;pid&gt;/stat (fields 14 and 15). */
  long cpuTicks() {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
      String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // rest[0] is field 3 (state): utime is field 14, stime field 15.
      return Long.parseLong(rest[11]) + Long.parseLong(rest[12]);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read /proc stat of " + identity, e);
    }
  }

  /** VmRSS in KiB from /proc/&lt;pid&gt;/status. */
  long rssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read /proc status of " + identity, e);
    }
    throw new IllegalStateException("no VmRSS for " + identity);
  }

  /**
   * Heap in use after a full GC ({@code jcmd GC.run}, then the young + old "used" figures of
   * {@code jcmd GC.heap_info}), in KiB: what the candidate really retains.
   */
  OptionalLong liveHeapKb(Path jcmd) {
    try {
      run(jcmd, "GC.run");
      String info = run(jcmd, "GC.heap_info");
      Matcher m = HEAP_USED.matcher(info);
      long used = 0;
      boolean any = false;
      while (m.find()) {
        used += Long.parseLong(m.group(1));
        any = true;
      }
      return any ? OptionalLong.of(used) : OptionalLong.empty();
    } catch (IOException e) {
      return OptionalLong.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalLong.empty();
    }
  }

  private String run(Path jcmd, String command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), command)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("jcmd " + command + " timed out");
    }
    return out;
  }

  @Override
  public String toString() {
    return identity + " (pid " + process.pid() + ")";
  }
}
