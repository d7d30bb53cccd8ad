package io.github.leaderelection.spring.actuate;

import io.github.leaderelection.spring.LeaderElection;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * UP while this instance is the acting leader of one election, OUT_OF_SERVICE otherwise: for a
 * health group that tells a probe, a load balancer or a Service mesh which instance leads
 * ({@code leader.election.health.leadership.enabled}). It is not part of the readiness group
 * unless put there: a Deployment counts only ready pods, so followers reported not ready would
 * stall every rollout.
 */
public class LeadershipHealthIndicator implements HealthIndicator {

  private final String name;
  private final LeaderElection election;

  /**
   * @param name the election's name, reported as a detail
   * @param election the election
   */
  public LeadershipHealthIndicator(String name, LeaderElection election) {
    this.name = Objects.requireNonNull(name, "name");
    this.election = Objects.requireNonNull(election, "election");
  }

  @Override
  public Health health() {
    boolean leader = election.isLeader();
    return Health.status(leader ? Status.UP : Status.OUT_OF_SERVICE)
        .withDetail("election", name)
        .withDetail("leader", leader)
        .build();
  }
}
