package io.github.leaderelection.core;

import java.time.Instant;
import java.util.Objects;

/**
 * The fields of a Lease's spec that leader election owns, as read from or written to the
 * server. Every field may be absent in a Lease written by another client (rule 16), so
 * accessors normalise the way client-go reads them: a missing holder is "", a missing
 * duration or transition count is 0.
 *
 * <p>{@code acquireTime} and {@code renewTime} are informational only: expiry is never judged
 * from them (election-semantics rule 1).
 *
 * @param holderIdentity the holder, or {@code null}/"" when nobody holds the lease
 * @param leaseDurationSeconds how long the holder's claim lasts after a change is observed
 * @param acquireTime when the current holder acquired the lease, by its wall clock
 * @param renewTime when the current holder last renewed, by its wall clock
 * @param leaseTransitions how many times the holder has changed
 */
public record LeaseRecord(
    String holderIdentity,
    Integer leaseDurationSeconds,
    Instant acquireTime,
    Instant renewTime,
    Integer leaseTransitions) {

  /** A record with no field set, as in a Lease whose spec is missing. */
  public static final LeaseRecord EMPTY = new LeaseRecord(null, null, null, null, null);

  /** The holder, "" when there is none. */
  public String holder() {
    return holderIdentity == null ? "" : holderIdentity;
  }

  /** Whether somebody holds the lease; a lease with holder "" or null is free (released). */
  public boolean isHeld() {
    return !holder().isEmpty();
  }

  /** The lease duration in seconds, 0 when missing (then the claim lapses at once, as in client-go). */
  public int durationSeconds() {
    return leaseDurationSeconds == null ? 0 : Math.max(0, leaseDurationSeconds);
  }

  /** The transition count, 0 when missing. */
  public int transitions() {
    return leaseTransitions == null ? 0 : leaseTransitions;
  }

  /** Whether {@code identity} is the holder. */
  public boolean isHeldBy(String identity) {
    return isHeld() && holder().equals(identity);
  }

  /**
   * Whether this record differs from {@code other} in a way that shows its holder acted:
   * holder, renew time, acquire time, duration or transitions. Compared as the server
   * stores them, never against the local clock.
   */
  public boolean differsFrom(LeaseRecord other) {
    return other == null
        || !holder().equals(other.holder())
        || !Objects.equals(renewTime, other.renewTime)
        || !Objects.equals(acquireTime, other.acquireTime)
        || durationSeconds() != other.durationSeconds()
        || transitions() != other.transitions();
  }
}
