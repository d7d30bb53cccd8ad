package io.github.leaderelection.benchmarks;

import java.time.Duration;

/** Election timings, the same for every implementation. */
record Profile(String name, int leaseSeconds, long renewDeadlineMs, long retryPeriodMs) {

  static final Profile DEFAULT = new Profile("default", 15, 10_000, 2_000);
  static final Profile FAST = new Profile("fast", 4, 3_000, 1_000);

  static Profile byName(String name) {
    return switch (name) {
      case "default" -> DEFAULT;
      case "fast" -> FAST;
      default -> throw new IllegalArgumentException("unknown profile " + name + " (known: default, fast)");
    };
  }

  Duration leaseDuration() {
    return Duration.ofSeconds(leaseSeconds);
  }

  Duration retryPeriod() {
    return Duration.ofMillis(retryPeriodMs);
  }

  /** "15 s / 10 s / 2 s". */
  String describe() {
    return leaseSeconds + " s / " + seconds(renewDeadlineMs) + " s / " + seconds(retryPeriodMs) + " s";
  }

  private static String seconds(long ms) {
    return ms % 1000 == 0 ? Long.toString(ms / 1000) : Double.toString(ms / 1000.0);
  }
}
