package io.github.leaderelection.candidate.springcloud;

import java.io.PrintStream;

/** Protocol lines on stdout, one whole line at a time, flushed at once. */
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
