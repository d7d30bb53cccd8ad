package io.github.leaderelection.spring.metrics;

import io.github.leaderelection.spring.LeaderElections;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The gauge {@code leader.election.leader} of each named election, tagged with its lease, as
 * {@link LeaderElectionGauge} is for the default one. A {@link MeterBinder}, for the same reason.
 */
public class NamedElectionGauges implements MeterBinder {

  private final Map<String, String> leases;
  private final Supplier<LeaderElections> elections;

  /**
   * @param leases the lease name of each named election, by name
   * @param elections the elections; resolved when a gauge is read, since the registry, and
   *     with it this binder, may be set up while an elector is being created
   */
  public NamedElectionGauges(Map<String, String> leases, Supplier<LeaderElections> elections) {
    this.leases = Map.copyOf(leases);
    this.elections = Objects.requireNonNull(elections, "elections");
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (Map.Entry<String, String> e : leases.entrySet()) {
      String name = e.getKey();
      if (name.equals(LeaderElections.DEFAULT)) {
        continue; // LeaderElectionGauge's
      }
      Gauge.builder("leader.election.leader", () -> elections.get().get(name).isLeader() ? 1 : 0)
          .tag("lease", e.getValue())
          .description("Whether this instance is the acting leader (1) or not (0)")
          .strongReference(true)
          .register(registry);
    }
  }
}
