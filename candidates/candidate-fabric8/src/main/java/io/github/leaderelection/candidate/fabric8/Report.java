package io.github.leaderelection.candidate.fabric8;

import java.io.PrintStream;

/** Writes protocol lines to stdout, one whole line at a time, flushed at once. */
final class Report {

  private final PrintStream out = System.out;

  synchronized void line(String... fields) {
    out.println(String.join(" ", fields));
    out.flush();
  }

  static String now() {
    return Long.toString(System.nanoTime());
  }
}
