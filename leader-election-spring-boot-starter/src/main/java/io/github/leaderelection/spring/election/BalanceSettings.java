package io.github.leaderelection.spring.election;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.balance.LeaseMembership;
import io.github.leaderelection.spring.LeaderElections;
import io.github.leaderelection.spring.election.LeaderElectionProperties.Balance;
import io.github.leaderelection.spring.election.LeaderElectionProperties.Election;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Balancing as configured under {@code leader.election.balance}, checked and with its defaults
 * resolved: the group (the default lease name), the hold-back (the retry period), the settle
 * time (the lease duration) and which elections take part (all).
 *
 * @param enabled whether to balance
 * @param group the group's name
 * @param holdBack how long a non-receiver holds back from a free lease
 * @param settleTime how long the view must be still before a move, and between moves
 * @param elections the names of the balanced elections, "default" included when balanced
 * @param onKubernetes whether the elections run on Kubernetes; in the local modes there is
 *     nothing to balance
 */
record BalanceSettings(boolean enabled, String group, Duration holdBack, Duration settleTime, Set<String> elections,
    boolean onKubernetes) {

  static final String PREFIX = "leader.election.balance.";

  /** The settings, or a clear error naming the property. */
  static BalanceSettings of(LeaderElectionProperties properties, ElectionConfig defaults, boolean onKubernetes) {
    Balance b = properties.getBalance();
    Map<String, Election> named = properties.getElections();
    Set<String> all = new LinkedHashSet<>();
    all.add(LeaderElections.DEFAULT);
    all.addAll(named.keySet());
    if (!b.isEnabled()) {
      return new BalanceSettings(false, "", defaults.retryPeriod(), defaults.leaseDuration(), Set.of(), onKubernetes);
    }
    if (!properties.isSharedWatch()) {
      throw new InvalidBalanceConfigException(PREFIX + "enabled", "true", "needs leader.election.shared-watch=true:"
          + " each instance sees the members of the group through the shared watch of the namespace's Leases");
    }
    String group = b.getGroup() == null || b.getGroup().isBlank() ? defaults.leaseName() : b.getGroup();
    try {
      LeaseMembership.requireGroup(group);
    } catch (IllegalArgumentException e) {
      throw new InvalidBalanceConfigException(PREFIX + "group", group, e.getMessage());
    }
    Duration holdBack = positive("hold-back", b.getHoldBack(), defaults.retryPeriod());
    Duration settle = positive("settle-time", b.getSettleTime(), defaults.leaseDuration());
    Set<String> balanced = new LinkedHashSet<>();
    for (String name : b.getElections()) {
      if (!all.contains(name)) {
        throw new InvalidBalanceConfigException(PREFIX + "elections", name, "no election has this name; the"
            + " elections are " + all);
      }
      balanced.add(name);
    }
    if (balanced.isEmpty()) {
      balanced.addAll(all);
    }
    for (String name : balanced) {
      boolean awaits = name.equals(LeaderElections.DEFAULT) ? properties.isAwaitLeadership()
          : Boolean.TRUE.equals(named.get(name).getAwaitLeadership())
              || named.get(name).getAwaitLeadership() == null && properties.isAwaitLeadership();
      if (awaits) {
        String property = name.equals(LeaderElections.DEFAULT) ? "leader.election.await-leadership"
            : "leader.election.elections." + name + ".await-leadership";
        throw new InvalidBalanceConfigException(property, "true", "cannot be combined with balancing election '"
            + name + "': an instance leads only its share of the balanced elections, so waiting for leadership"
            + " at startup could wait for good. Leave it false, or leave the election out of " + PREFIX
            + "elections");
      }
    }
    return new BalanceSettings(true, group, holdBack, settle, Set.copyOf(balanced), onKubernetes);
  }

  /** Whether election {@code name} is balanced. */
  boolean balances(String name) {
    return enabled && elections.contains(name);
  }

  /**
   * The hold-back an elector of election {@code name} starts with: until the first plan, let
   * members go first. None in the local modes, where an always-leader instance waits for its
   * leadership at startup.
   */
  Duration birthHoldBack(String name) {
    return onKubernetes && balances(name) ? holdBack : Duration.ZERO;
  }

  private static Duration positive(String property, Duration value, Duration fallback) {
    Duration d = value == null ? fallback : value;
    if (d.isNegative() || d.isZero()) {
      throw new InvalidBalanceConfigException(PREFIX + property, d.toString(), "must be positive");
    }
    return d;
  }
}
