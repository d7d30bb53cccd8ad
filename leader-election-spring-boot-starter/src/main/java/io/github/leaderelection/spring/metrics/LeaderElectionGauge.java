package io.github.leaderelection.spring.metrics;

import io.github.leaderelection.spring.LeaderElection;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The gauge {@code leader.election.leader}, tagged {@code lease}: 1 while this instance is the
 * acting leader, else 0. Read from {@link LeaderElection#isLeader()}, so it is time-bounded
 * like leader work itself: a leader that could not renew reads 0 from its renew deadline on,
 * even if nothing has run since.
 *
 * <p>A {@link MeterBinder}: Spring Boot binds it to the registry when the registry is set up,
 * whatever creates the registry and whenever, so it cannot be left out, for instance by lazy
 * initialization (a bean nobody injects is then never created).
 */
public class LeaderElectionGauge implements MeterBinder {

  private final Supplier<LeaderElection> election;
  private final String leaseName;

  /**
   * @param election the election to read; resolved when the gauge is read, since with lazy
   *     initialization the registry, and with it this binder, may be set up while the election
   *     is still being created
   * @param leaseName the lease's name, the {@code lease} tag
   */
  public LeaderElectionGauge(Supplier<LeaderElection> election, String leaseName) {
    this.election = Objects.requireNonNull(election, "election");
    this.leaseName = Objects.requireNonNull(leaseName, "leaseName");
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("leader.election.leader", () -> election.get().isLeader() ? 1 : 0)
        .tag("lease", leaseName)
        .description("Whether this instance is the acting leader (1) or not (0)")
        .strongReference(true)
        .register(registry);
  }
}
