package io.github.leaderelection.spring.metrics;

import io.github.leaderelection.spring.LeaderElection;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The gauge {@code leader.election.leader}, tagged {@code lease}: 1 while this instance is the
 * acting leader, else 0. Read from {@link LeaderElection#isLeader()}, so it is time-bounded
 * like leader work itself: a leader that could not renew reads 0 from its renew deadline on,
 * even if nothing has run since.
 */
public class LeaderElectionGauge {

  private final Gauge gauge;

  /**
   * @param registry where to register
   * @param election the election to read
   * @param leaseName the lease's name, the {@code lease} tag
   */
  public LeaderElectionGauge(MeterRegistry registry, LeaderElection election, String leaseName) {
    this.gauge = Gauge.builder("leader.election.leader", election, e -> e.isLeader() ? 1 : 0)
        .tag("lease", leaseName)
        .description("Whether this instance is the acting leader (1) or not (0)")
        .strongReference(true)
        .register(registry);
  }

  /** The registered gauge. */
  public Gauge gauge() {
    return gauge;
  }
}
