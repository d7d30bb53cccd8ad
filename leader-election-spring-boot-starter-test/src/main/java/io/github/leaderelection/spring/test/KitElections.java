package io.github.leaderelection.spring.test;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.spring.LeaderElections;
import io.github.leaderelection.spring.election.ConfiguredLeaderElections;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The context's elections as the kit's recorders name them: the names there are, and how long
 * a wait on each may take. Resolved when first asked, not when the recorders are created: the
 * recorders are listeners, created early, and must not make the starter build its elections
 * (and ask the kit's lease factory) before their time.
 */
final class KitElections {

  private final ElectionConfig defaultConfig;
  private final Supplier<@Nullable LeaderElections> elections;
  private final LeaderElectionTestProperties properties;

  /**
   * @param defaultConfig the default election's configuration
   * @param elections the {@code LeaderElections} bean, null when there is none (an application's
   *     own {@code LeaderElection} only: then the default election is all there is)
   */
  KitElections(ElectionConfig defaultConfig, Supplier<@Nullable LeaderElections> elections,
      LeaderElectionTestProperties properties) {
    this.defaultConfig = defaultConfig;
    this.elections = elections;
    this.properties = properties;
  }

  /** The names of all elections, the default first. */
  Set<String> names() {
    LeaderElections all = elections.get();
    return all == null ? Set.of(LeaderElections.DEFAULT) : all.names();
  }

  /**
   * The name as the events and {@code @LeaderOnly} calls carry it: {@link LeaderElections#DEFAULT}
   * for "" too.
   *
   * @throws LeaderElections.NoSuchElectionException when no election has that name (its message
   *     lists the names there are)
   */
  String resolve(String name) {
    Objects.requireNonNull(name, "name");
    String resolved = name.isEmpty() ? LeaderElections.DEFAULT : name;
    Set<String> names = names();
    if (!names.contains(resolved)) {
      throw new LeaderElections.NoSuchElectionException(name, names);
    }
    return resolved;
  }

  /** How long a wait on the election {@code name} (as {@link #resolve} gives it) may take. */
  Duration awaitTimeout(String name) {
    return LeadershipControlAutoConfiguration.awaitTimeout(config(name), properties);
  }

  /** The longest of the elections' wait timeouts: for a wait on any of them. */
  Duration longestAwaitTimeout() {
    Duration longest = awaitTimeout(LeaderElections.DEFAULT);
    for (String name : names()) {
      Duration timeout = awaitTimeout(name);
      if (timeout.compareTo(longest) > 0) {
        longest = timeout;
      }
    }
    return longest;
  }

  private ElectionConfig config(String name) {
    // The starter's own registry knows each named election's merged configuration; an
    // application's own LeaderElections bean does not say, so its elections wait as the default.
    if (!name.equals(LeaderElections.DEFAULT) && elections.get() instanceof ConfiguredLeaderElections configured) {
      return configured.config(name);
    }
    return defaultConfig;
  }
}
