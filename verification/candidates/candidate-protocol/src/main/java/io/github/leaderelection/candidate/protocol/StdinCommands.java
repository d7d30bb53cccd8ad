package io.github.leaderelection.candidate.protocol;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The commands on stdin of ../PROTOCOL.md, one a line, and the protocol's graceful stop: when
 * stdin ends the process exits, which runs the program's shutdown hook (it closes the elector).
 */
public final class StdinCommands {

  private StdinCommands() {}

  /**
   * A daemon thread, not yet started, that reads stdin and passes each command to {@code
   * command} as its words (blank lines are skipped), then calls {@code System.exit(0)} at the
   * end of stdin. A failure of {@code command} counts as the end of stdin, as a read error does.
   */
  public static Thread watcher(Consumer<String[]> command) {
    return watcher(System.in, command, () -> System.exit(0));
  }

  /** Answers every command with {@code UNSUPPORTED}: for programs whose elector has no such hook. */
  public static Consumer<String[]> allUnsupported(Report report) {
    return words -> report.unsupported(words[0]);
  }

  /**
   * The commands of a program with several leases ({@code --leases}, ../PROTOCOL.md "Several
   * leases"): {@code @<lease> NAME args} goes to that lease's handler alone (whose answers carry
   * the lease's prefix), {@code NAME args} without a prefix to every lease's, in the order of
   * {@code byLease}. A prefix naming no lease of this process is answered on {@code process} with
   * {@code UNSUPPORTED <nanos> @<lease>}, and nothing else happens.
   */
  public static Consumer<String[]> perLease(Map<String, Consumer<String[]>> byLease, Report process) {
    Map<String, Consumer<String[]>> handlers = new LinkedHashMap<>(byLease);
    return words -> {
      if (!words[0].startsWith("@")) {
        handlers.values().forEach(h -> h.accept(words));
        return;
      }
      Consumer<String[]> handler = handlers.get(words[0].substring(1));
      if (handler == null || words.length < 2) {
        process.unsupported(words[0]);
        return;
      }
      handler.accept(Arrays.copyOfRange(words, 1, words.length));
    };
  }

  static Thread watcher(InputStream in, Consumer<String[]> command, Runnable atEnd) {
    Thread thread = new Thread(() -> {
      try {
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        while ((line = lines.readLine()) != null) {
          String trimmed = line.trim();
          if (!trimmed.isEmpty() && !line.isBlank()) {
            command.accept(trimmed.split("\\s+"));
          }
        }
      } catch (Exception ignored) {
        // treated as the end of stdin
      }
      atEnd.run();
    }, "candidate-stdin");
    thread.setDaemon(true);
    return thread;
  }
}
