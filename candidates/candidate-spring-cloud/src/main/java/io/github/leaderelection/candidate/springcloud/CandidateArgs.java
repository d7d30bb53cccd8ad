package io.github.leaderelection.candidate.springcloud;

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
    Duration wallOffset) {

  static CandidateArgs parse(String[] args) {
    Map<String, String> named = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value pairs, got " + String.join(" ", args));
      }
      named.put(args[i].substring(2), args[i + 1]);
    }
    return new CandidateArgs(
        Path.of(need(named, "kubeconfig")),
        need(named, "namespace"),
        need(named, "lease"),
        need(named, "identity"),
        Duration.ofSeconds(Long.parseLong(need(named, "lease-duration"))),
        Duration.ofMillis(Long.parseLong(need(named, "renew-deadline"))),
        Duration.ofMillis(Long.parseLong(need(named, "retry-period"))),
        Duration.ofMillis(Long.parseLong(named.getOrDefault("work-interval-ms", "0"))),
        Duration.ofMillis(Long.parseLong(named.getOrDefault("work-duration-ms", "50"))),
        Duration.ofMillis(Long.parseLong(named.getOrDefault("wall-offset-ms", "0"))));
  }

  private static String need(Map<String, String> named, String name) {
    String value = named.get(name);
    if (value == null) {
      throw new IllegalArgumentException("missing --" + name);
    }
    return value;
  }
}
