package io.github.leaderelection.candidate;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** The command line of a candidate process (see PROTOCOL.md). */
record CandidateArgs(
    Path kubeconfig,
    String namespace,
    String lease,
    String identity,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod,
    Duration workInterval,
    Duration workDuration,
    Duration wallOffset,
    boolean traceActing,
    Duration stepDownCooldown,
    Duration shutdownTimeout) {

  static CandidateArgs parse(String[] args) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value pairs, got " + String.join(" ", args));
      }
      m.put(args[i].substring(2), args[++i]);
    }
    return new CandidateArgs(
        Path.of(required(m, "kubeconfig")),
        required(m, "namespace"),
        required(m, "lease"),
        required(m, "identity"),
        Duration.ofSeconds(Long.parseLong(required(m, "lease-duration"))),
        Duration.ofMillis(Long.parseLong(required(m, "renew-deadline"))),
        Duration.ofMillis(Long.parseLong(required(m, "retry-period"))),
        Duration.ofMillis(Long.parseLong(m.getOrDefault("work-interval-ms", "0"))),
        Duration.ofMillis(Long.parseLong(m.getOrDefault("work-duration-ms", "50"))),
        Duration.ofMillis(Long.parseLong(m.getOrDefault("wall-offset-ms", "0"))),
        Boolean.parseBoolean(m.getOrDefault("trace-acting", "false")),
        optionalMillis(m, "step-down-cooldown-ms"),
        optionalMillis(m, "shutdown-timeout-ms"));
  }

  /** Null when absent: the elector's default applies. */
  private static Duration optionalMillis(Map<String, String> m, String name) {
    String v = m.get(name);
    return v == null ? null : Duration.ofMillis(Long.parseLong(v));
  }

  private static String required(Map<String, String> m, String name) {
    String v = m.get(name);
    if (v == null) {
      throw new IllegalArgumentException("missing --" + name);
    }
    return v;
  }
}
