package io.github.leaderelection.spring.election;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.InvalidElectionConfigException;
import io.github.leaderelection.spring.LeaderElections;
import io.github.leaderelection.spring.election.LeaderElectionProperties.Election;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One named election's settings, merged: what {@code leader.election.elections.<name>} sets,
 * else the top-level {@code leader.election} value, else the default election's (lease name
 * plus '-name', identity, namespace). Validated; a failure names the full property path.
 *
 * @param name the election's name
 * @param config the validated configuration of its elector
 * @param awaitTimeout how long startup waits for its leadership, or null not to wait
 * @param components names of the Lifecycle beans bound to it
 */
record NamedElectionSettings(String name, ElectionConfig config, Duration awaitTimeout, List<String> components) {

  /** A name usable as a suffix of a Lease name, and readable in a property path. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  /** Every named election of {@code properties}, in the order configured. */
  static List<NamedElectionSettings> all(LeaderElectionProperties properties, ElectionConfig defaults,
      boolean competes) {
    List<NamedElectionSettings> all = new ArrayList<>();
    properties.getElections().forEach((name, e) -> all.add(of(name, e, properties, defaults, competes)));
    return all;
  }

  static NamedElectionSettings of(String name, Election e, LeaderElectionProperties top, ElectionConfig defaults,
      boolean competes) {
    if (!NAME.matcher(name).matches() || name.length() > 63) {
      throw new InvalidNamedElectionConfigException(name, "", name, false,
          "must be a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters), since it"
              + " names the election in @LeaderOnly, events, metrics and the default lease name");
    }
    if (name.equals(LeaderElections.DEFAULT)) {
      throw new InvalidNamedElectionConfigException(name, "", name, false,
          "is reserved for the election configured under leader.election itself");
    }
    Map<String, Boolean> set = new LinkedHashMap<>();
    ElectionConfig.Builder b = ElectionConfig.builder(pick(set, "lease-name", e.getLeaseName(),
            defaults.leaseName() + "-" + name))
        .namespace(defaults.namespace())
        .identity(pick(set, "identity", e.getIdentity(), defaults.identity()))
        .leaseDuration(pick(set, "lease-duration", e.getLeaseDuration(), top.getLeaseDuration()))
        .renewDeadline(pick(set, "renew-deadline", e.getRenewDeadline(), top.getRenewDeadline()))
        .retryPeriod(pick(set, "retry-period", e.getRetryPeriod(), top.getRetryPeriod()))
        .releaseOnShutdown(pick(set, "release-on-shutdown", e.getReleaseOnShutdown(), top.isReleaseOnShutdown()));
    // Unset everywhere: the core's defaults, derived from this election's own timings.
    optional(set, "request-timeout", e.getRequestTimeout(), top.getRequestTimeout(), b::requestTimeout);
    optional(set, "step-down-cooldown", e.getStepDownCooldown(), top.getStepDownCooldown(), b::stepDownCooldown);
    optional(set, "shutdown-timeout", e.getShutdownTimeout(), top.getShutdownTimeout(), b::shutdownTimeout);
    ElectionConfig config;
    try {
      config = b.build();
    } catch (InvalidElectionConfigException ex) {
      String property = InvalidElectionConfigFailureAnalyzer.kebab(ex.field());
      throw new InvalidNamedElectionConfigException(name, property, ex.value(),
          !set.getOrDefault(property, false), ex.rule(), ex);
    }
    boolean await = pick(set, "await-leadership", e.getAwaitLeadership(), top.isAwaitLeadership());
    Duration awaitTimeout = null;
    if (await) {
      if (!competes) {
        throw new InvalidNamedElectionConfigException(name, "await-leadership", "true",
            !set.get("await-leadership"), "cannot be true with leader.election.mode=never-leader: this instance"
                + " never leads");
      }
      awaitTimeout = pick(set, "await-timeout", e.getAwaitTimeout(), top.getAwaitTimeout());
      if (awaitTimeout == null || awaitTimeout.isZero() || awaitTimeout.isNegative()) {
        throw new InvalidNamedElectionConfigException(name, "await-timeout", String.valueOf(awaitTimeout),
            !set.get("await-timeout"), "must be positive");
      }
    }
    return new NamedElectionSettings(name, config, awaitTimeout, List.copyOf(e.getComponents()));
  }

  /** The election's own value when set, else the inherited one; records which it was. */
  private static <T> T pick(Map<String, Boolean> set, String property, T own, T inherited) {
    set.put(property, own != null);
    return own != null ? own : inherited;
  }

  private static void optional(Map<String, Boolean> set, String property, Duration own, Duration inherited,
      Function<Duration, ElectionConfig.Builder> apply) {
    Duration value = pick(set, property, own, inherited);
    if (value != null) {
      apply.apply(value);
    }
  }
}
