package io.github.leaderelection.spring.actuate;

import io.github.leaderelection.core.ElectionStatus;
import io.github.leaderelection.spring.LeaderElection;
import java.time.Duration;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code leaderElection} health contributor. UP while the election runs, as leader or
 * follower (and in never-leader mode, where it never competes); DOWN when the elector was
 * closed while the application still runs, or when, as leader, it has not renewed the lease
 * for longer than the lease duration plus a grace.
 *
 * <p>The second case is the idea of client-go's leader election healthz check: the elector
 * stops acting as leader at the renew deadline on its own, so a leader that has gone a whole
 * lease duration (plus grace) without renewing and without noticing means the elector thread
 * is stuck. Restarting the process is then the fix, which makes the contributor fit for a
 * liveness probe. It is not part of the readiness group: a follower is ready to serve.
 * (An orderly shutdown closes the elector too, but only after the web server stopped, so
 * no probe sees that.)
 *
 * <p>UNKNOWN (not UP) while the elector runs but has never read the lease because its
 * requests fail, state {@code no-contact}: usually an API server that does not answer. Not
 * DOWN, since a restart does not bring the API server back, and an outage of the API server
 * must not make a liveness probe restart every pod; not UP either, since this instance cannot
 * lead and does not know who does. UNKNOWN ranks below UP when statuses are aggregated, so
 * the overall status and the probe groups stay UP, while this contributor shows why.
 *
 * <p>Details: {@code state} (leader, follower, no-contact, not-competing, closed), {@code holder},
 * {@code lease}, {@code transitions}, {@code identity}, {@code lastRenewal} (the age of the
 * last successful renewal, while leader) and {@code lastError} (first line).
 */
public class LeaderElectionHealthIndicator implements HealthIndicator {

  private final LeaderElection election;
  private final Duration renewalLimit;

  /**
   * @param election the election to report on
   * @param leaseDuration the lease duration of the election
   * @param grace how long past the lease duration a leader may go without renewing before DOWN
   */
  public LeaderElectionHealthIndicator(LeaderElection election, Duration leaseDuration, Duration grace) {
    this.election = Objects.requireNonNull(election, "election");
    this.renewalLimit = leaseDuration.plus(grace);
  }

  @Override
  public Health health() {
    ElectionStatus status = election.status();
    Health.Builder health = new Health.Builder()
        .withDetail("state", ElectionStates.of(status))
        .withDetail("holder", status.holder())
        .withDetail("lease", status.namespace() + "/" + status.leaseName())
        .withDetail("transitions", status.leaseTransitions())
        .withDetail("identity", status.identity());
    Duration sinceRenewal = status.sinceLastRenewal();
    if (sinceRenewal != null) {
      health.withDetail("lastRenewal", ElectionStates.format(sinceRenewal) + " ago");
    }
    if (status.lastError() != null) {
      health.withDetail("lastError", ElectionStates.firstLine(status.lastError()));
    }
    if (status.state() == ElectionStatus.State.CLOSED) {
      return health.down().withDetail("reason", "the elector is closed; this instance no longer competes").build();
    }
    if (ElectionStates.noContact(status)) {
      return health.unknown().withDetail("reason", "the elector has not reached the Kubernetes API server"
          + " (or not read the lease) yet: its requests fail, see lastError; it keeps trying, and cannot"
          + " lead until they succeed").build();
    }
    if (sinceRenewal != null && sinceRenewal.compareTo(renewalLimit) > 0) {
      return health.down().withDetail("reason", "the leader has not renewed the lease for "
          + ElectionStates.format(sinceRenewal) + ", more than the lease duration plus grace ("
          + ElectionStates.format(renewalLimit) + "): the elector is stuck").build();
    }
    return health.up().build();
  }
}
