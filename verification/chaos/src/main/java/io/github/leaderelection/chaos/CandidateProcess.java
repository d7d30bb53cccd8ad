package io.github.leaderelection.chaos;

import io.github.leaderelection.testsupport.TcpProxy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One running candidate process (a JVM or another program): its process, its proxy, and the reader of its stdout. */
final class CandidateProcess {

  private final CandidateLog log;
  /** With several leases ({@code --leases}): each lease's lines, prefix stripped; else empty. */
  private final java.util.Map<String, CandidateLog> leaseLogs;
  private final Process process;
  private final TcpProxy proxy;
  private final Thread reader;

  private CandidateProcess(CandidateLog log, java.util.Map<String, CandidateLog> leaseLogs, Process process,
      TcpProxy proxy, PrintWriter transcript) {
    this.log = log;
    this.leaseLogs = java.util.Map.copyOf(leaseLogs);
    this.leaseLogs.values().forEach(l -> l.pid(process.pid()));
    this.process = process;
    this.proxy = proxy;
    log.pid(process.pid());
    this.reader = new Thread(() -> read(transcript), "chaos-reader-" + log.identity());
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code command} with {@code environment} added to the runner's; stderr goes to
   * {@code stderrFile}, every stdout line to {@code transcript} (prefixed with the identity)
   * and into {@code log}.
   */
  static CandidateProcess start(CandidateLog log, List<String> command, java.util.Map<String, String> environment,
      TcpProxy proxy, Path stderrFile, PrintWriter transcript) {
    return start(log, java.util.Map.of(), command, environment, proxy, stderrFile, transcript);
  }

  /**
   * The same for a candidate with several leases (verification/candidates/PROTOCOL.md, "Several
   * leases"): a line {@code @<lease> ...} goes, without its prefix, into that lease's log of
   * {@code leaseLogs}; a line of the process (READY, CLOSED) into every one of them. {@code log}
   * gets every line as it came.
   */
  static CandidateProcess start(CandidateLog log, java.util.Map<String, CandidateLog> leaseLogs, List<String> command,
      java.util.Map<String, String> environment, TcpProxy proxy, Path stderrFile, PrintWriter transcript) {
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.appendTo(stderrFile.toFile()))
        .redirectInput(ProcessBuilder.Redirect.PIPE)
        .redirectOutput(ProcessBuilder.Redirect.PIPE);
    pb.environment().putAll(environment);
    try {
      return new CandidateProcess(log, leaseLogs, pb.start(), proxy, transcript);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start candidate " + log.identity(), e);
    }
  }

  private void read(PrintWriter transcript) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        long now = System.nanoTime();
        if (line.isBlank()) {
          continue;
        }
        log.add(Event.parse(line, now));
        if (!leaseLogs.isEmpty()) {
          route(line, now);
        }
        synchronized (transcript) {
          transcript.println(now + " " + log.identity() + " " + line);
        }
      }
    } catch (IOException | RuntimeException e) {
      synchronized (transcript) {
        transcript.println(System.nanoTime() + " " + log.identity() + " #reader-ended " + e);
      }
    }
    long end = System.nanoTime();
    // The lease logs first: whoever waits on the process log then finds them done too.
    leaseLogs.values().forEach(l -> l.exitedAt(end));
    log.exitedAt(end);
  }

  private void route(String line, long now) {
    String trimmed = line.trim();
    if (trimmed.startsWith("@")) {
      int space = trimmed.indexOf(' ');
      CandidateLog l = space < 0 ? null : leaseLogs.get(trimmed.substring(1, space));
      if (l != null) {
        l.add(Event.parse(trimmed.substring(space + 1), now));
      }
      return;
    }
    Event e = Event.parse(trimmed, now);
    leaseLogs.values().forEach(l -> l.add(e));
  }

  CandidateLog log() {
    return log;
  }

  /** The log of {@code lease} (several leases), or the process's only log. */
  CandidateLog log(String lease) {
    CandidateLog l = leaseLogs.get(lease);
    return l == null ? log : l;
  }

  /** The lease logs, then the process log (see the reader's end for why that order). */
  private void forAll(java.util.function.Consumer<CandidateLog> action) {
    leaseLogs.values().forEach(action);
    action.accept(log);
  }

  TcpProxy proxy() {
    return proxy;
  }

  boolean alive() {
    return process.isAlive();
  }

  /** SIGSTOP: the whole JVM freezes (ProcessHandle cannot do this). */
  void freeze() {
    signal("STOP");
    forAll(l -> l.frozen(true));
  }

  /** SIGCONT. */
  void thaw() {
    signal("CONT");
    forAll(l -> l.frozen(false));
  }

  /** SIGKILL, and waits until it is gone. */
  void kill() {
    signal("KILL");
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Taken once the process is gone: an execution without WORK_END ends here at the latest.
    long killed = System.nanoTime();
    forAll(l -> {
      l.killedAt(killed);
      l.frozen(false);
    });
    try {
      reader.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Writes one command line to the candidate's stdin (PROTOCOL.md); false if it is gone. */
  boolean send(String command) {
    try {
      var out = process.getOutputStream();
      out.write((command + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** SIGTERM (the JVM runs its shutdown hook: the elector closes) and waits up to {@code millis}. */
  boolean terminate(long millis) {
    signal("TERM");
    return awaitExit(millis);
  }

  /** Closes stdin (the protocol's graceful stop) and waits up to {@code millis} for the exit. */
  boolean stopGracefully(long millis) {
    try {
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // already gone
    }
    return awaitExit(millis);
  }

  /** Waits up to {@code millis} for the exit, then for the reader to have read the last line. */
  private boolean awaitExit(long millis) {
    try {
      if (process.waitFor(millis, TimeUnit.MILLISECONDS)) {
        reader.join(5_000);
        long exited = System.nanoTime();
        forAll(l -> l.exitedAt(exited));
        return true;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  /** Last resort at the end of a run. */
  void destroy() {
    if (process.isAlive()) {
      signal("CONT");
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
          .redirectErrorStream(true).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed: " + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("kill -" + signal + " " + process.pid(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
