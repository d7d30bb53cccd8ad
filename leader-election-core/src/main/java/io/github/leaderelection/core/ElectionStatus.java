package io.github.leaderelection.core;

import java.time.Duration;
import java.time.Instant;

/**
 * A snapshot of what one elector knows, for health checks and operators.
 *
 * @param state where the elector is in its life
 * @param leader whether this candidate is the acting leader right now (time-bounded)
 * @param identity this candidate's identity
 * @param leaseName the Lease's name
 * @param namespace the Lease's namespace
 * @param holder the holder last observed on the lease, "" for none
 * @param leaseTransitions leaseTransitions last observed
 * @param acquireTime acquireTime last observed (the holder's wall clock), or null
 * @param renewTime renewTime last observed (the holder's wall clock), or null
 * @param term the current term while leader, else null
 * @param sinceLastRenewal while leader, time since the last successful renewal was sent
 * @param lastError the message of the last failed request since the last success, or null
 */
public record ElectionStatus(
    State state,
    boolean leader,
    String identity,
    String leaseName,
    String namespace,
    String holder,
    int leaseTransitions,
    Instant acquireTime,
    Instant renewTime,
    LeadershipTerm term,
    Duration sinceLastRenewal,
    String lastError) {

  /** The elector's life cycle. */
  public enum State {
    /** Built, not started. */
    NEW,
    /** Competing or leading. */
    RUNNING,
    /** Closed, or closing. */
    CLOSED
  }
}
