package io.github.leaderelection.candidate.protocol;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line of a candidate process (../PROTOCOL.md): {@code --name value} pairs, in any
 * order, the last one winning when a name comes twice. Names a program does not know are kept
 * and not checked, so a runner can pass every program the same line; the options of one
 * program only ({@code --trace-acting}, {@code --step-down-cooldown-ms}, ...) are read, and so
 * checked, by that program alone ({@link #flag}, {@link #optionalMillis}).
 *
 * <p>A malformed line fails with an {@link IllegalArgumentException} that names the argument.
 *
 * @param kubeconfig {@code --kubeconfig FILE}
 * @param namespace {@code --namespace NS}
 * @param lease {@code --lease NAME}
 * @param identity {@code --identity ID}
 * @param leaseDuration {@code --lease-duration SECONDS}
 * @param renewDeadline {@code --renew-deadline MILLIS}
 * @param retryPeriod {@code --retry-period MILLIS}
 * @param workInterval {@code --work-interval-ms N}, default 0: no leader-only work
 * @param workDuration {@code --work-duration-ms N}, default 50
 * @param wallOffset {@code --wall-offset-ms N}, default 0
 * @param leases {@code --leases N}, default 0: absent, one election on {@code --lease} with the
 *     single-lease lines; N &gt;= 1: N elections on {@code <lease>-0 .. <lease>-(N-1)}, every line
 *     of one of them prefixed with {@code @<its lease>} (../PROTOCOL.md, "Several leases")
 * @param named every pair of the line, by name without the dashes
 */
public record CandidateArgs(
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
    int leases,
    Map<String, String> named) {

  public CandidateArgs {
    named = Map.copyOf(named);
  }

  /** Parses {@code args}; see the class comment. */
  public static CandidateArgs parse(String[] args) {
    Map<String, String> named = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value pairs, got " + String.join(" ", args)
            + " (" + args[i] + " is not a --name)");
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value pairs, got " + String.join(" ", args)
            + " (" + args[i] + " has no value)");
      }
      named.put(args[i].substring(2), args[i + 1]);
    }
    return new CandidateArgs(
        Path.of(required(named, "kubeconfig")),
        required(named, "namespace"),
        required(named, "lease"),
        required(named, "identity"),
        Duration.ofSeconds(number(named, "lease-duration", required(named, "lease-duration"))),
        Duration.ofMillis(number(named, "renew-deadline", required(named, "renew-deadline"))),
        Duration.ofMillis(number(named, "retry-period", required(named, "retry-period"))),
        Duration.ofMillis(number(named, "work-interval-ms", named.getOrDefault("work-interval-ms", "0"))),
        Duration.ofMillis(number(named, "work-duration-ms", named.getOrDefault("work-duration-ms", "50"))),
        Duration.ofMillis(number(named, "wall-offset-ms", named.getOrDefault("wall-offset-ms", "0"))),
        leases(named),
        named);
  }

  /** Whether {@code --leases} was given: several elections, lines prefixed with their lease. */
  public boolean multiLease() {
    return leases > 0;
  }

  /**
   * The leases to run: {@code --lease} alone without {@code --leases}, else {@code <lease>-0 ..
   * <lease>-(N-1)}.
   */
  public List<String> leaseNames() {
    if (!multiLease()) {
      return List.of(lease);
    }
    List<String> names = new ArrayList<>(leases);
    for (int i = 0; i < leases; i++) {
      names.add(lease + "-" + i);
    }
    return List.copyOf(names);
  }

  /**
   * For a program that runs one election only: with {@code --leases} it prints {@code
   * UNSUPPORTED --leases: <why>} on stderr and exits 2 (as for a refused {@code --wall-offset-ms}).
   */
  public void refuseLeases(String why) {
    if (named.containsKey("leases")) {
      System.err.println("UNSUPPORTED --leases: " + why);
      System.exit(2);
    }
  }

  private static int leases(Map<String, String> named) {
    String value = named.get("leases");
    if (value == null) {
      return 0;
    }
    long n = number(named, "leases", value);
    if (n < 1 || n > 1000) {
      throw new IllegalArgumentException("--leases takes a number of elections from 1 to 1000, got " + value);
    }
    return (int) n;
  }

  /** {@code --name true} (any case): true; absent or anything else: false. */
  public boolean flag(String name) {
    return Boolean.parseBoolean(named.getOrDefault(name, "false"));
  }

  /** {@code --name MILLIS} as a duration; null when absent (the program's default applies). */
  public Duration optionalMillis(String name) {
    String value = named.get(name);
    return value == null ? null : Duration.ofMillis(number(named, name, value));
  }

  private static String required(Map<String, String> named, String name) {
    String value = named.get(name);
    if (value == null) {
      throw new IllegalArgumentException("missing --" + name);
    }
    return value;
  }

  private static long number(Map<String, String> named, String name, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " takes a whole number, got " + value, e);
    }
  }
}
