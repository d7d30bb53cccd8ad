package io.github.leaderelection.core;

import java.time.Duration;

/** Formats durations the way users write them in properties ("15s", "1500ms"). */
final class Durations {

  private Durations() {}

  static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    if (d.toNanosPart() % 1_000_000 != 0) {
      return d.toNanos() + "ns";
    }
    if (d.toMillisPart() != 0) {
      return d.toMillis() + "ms";
    }
    return d.toSeconds() + "s";
  }
}
