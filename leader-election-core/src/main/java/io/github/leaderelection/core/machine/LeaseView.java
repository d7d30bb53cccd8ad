package io.github.leaderelection.core.machine;

import io.github.leaderelection.core.VersionedLease;

/**
 * What one candidate knows of its Lease, judged on its own monotonic clock only (rule 1).
 * Immutable.
 *
 * @param known a read or watch event has told whether the lease exists
 * @param needsRead what is known is stale (a write lost a race): read before deciding
 * @param lease the lease last seen, null when absent
 * @param changedAt when the current record (or the absence) was first seen; expiry counts from it
 * @param absentClaimUntil while the lease is absent, no creating before this instant: whoever
 *     held it before it was deleted may still act until then (rule 11)
 * @param highestTransitions the highest leaseTransitions ever seen, -1 for none; a recreated
 *     lease continues from it so fencing tokens do not go back (rule 6)
 * @param lastHeardAt when the feed or a read last told anything (the watch's silence detector)
 * @param resourceVersion the resourceVersion of the last applied observation, -1 when unknown;
 *     older observations are ignored (rule 15)
 */
public record LeaseView(boolean known, boolean needsRead, VersionedLease lease, long changedAt,
    long absentClaimUntil, int highestTransitions, long lastHeardAt, long resourceVersion) {

  /** Nothing known yet. */
  static LeaseView unknown(long now) {
    return new LeaseView(false, false, null, now, Long.MIN_VALUE, -1, now, -1);
  }

  /** Whether an observation at {@code rv} is older than what was applied. */
  boolean isOlder(String rv) {
    long v = parse(rv);
    return v >= 0 && resourceVersion >= 0 && v < resourceVersion;
  }

  /** The lease was seen. A change of the record restarts its expiry clock (rule 1). */
  LeaseView present(VersionedLease seen, long now) {
    boolean changed = !known || lease == null || seen.record().differsFrom(lease.record());
    long rv = parse(seen.resourceVersion());
    return new LeaseView(true, false, seen, changed ? now : changedAt, Long.MIN_VALUE,
        Math.max(highestTransitions, seen.record().transitions()), now, rv >= 0 ? rv : resourceVersion);
  }

  /**
   * The lease was seen absent. If it existed before, whoever held it may still be acting
   * (deleting a Lease ends nobody's term), and events may have been missed, so no one creates it
   * before {@code leaseDuration} after the absence was first seen, nor before the deleted
   * record's own claim ran out (rule 11). A lease never seen is free at once, unless
   * {@code waitBeforeCreate}: then it too waits a lease duration.
   *
   * <p>An absence already known stays the same absence (its claim kept) only if nothing could
   * have happened unseen in between: this is not a deletion at a newer resourceVersion (the
   * lease was recreated and deleted again), and the last thing heard is at most {@code
   * continuityNanos} old (a pause or a silent watch may hide a create and a delete).
   */
  LeaseView absent(String deletedAt, long now, long leaseDurationNanos, boolean waitBeforeCreate,
      long continuityNanos) {
    long rv = parse(deletedAt);
    long newRv = rv >= 0 ? rv : resourceVersion;
    boolean deletedAgain = rv >= 0 && rv > resourceVersion;
    boolean continuous = now - lastHeardAt <= continuityNanos;
    if (known && lease == null && !needsRead && !deletedAgain && continuous) {
      return new LeaseView(true, false, null, changedAt, absentClaimUntil, highestTransitions, now, newRv);
    }
    long claim = waitBeforeCreate ? now + leaseDurationNanos : Long.MIN_VALUE;
    if (known && lease != null) {
      long recordClaim = changedAt + lease.record().durationSeconds() * 1_000_000_000L;
      claim = Math.max(now + leaseDurationNanos, recordClaim);
    } else if (known) {
      // Our create lost a race (so someone created the lease), or the lease was deleted again,
      // or we heard nothing for a while: possibly deleted under a leader we never saw.
      claim = Math.max(now + leaseDurationNanos, absentClaimUntil); // a longer claim seen before stays
    }
    return new LeaseView(true, false, null, now, claim, highestTransitions, now, newRv);
  }

  /** The watch is alive (a bookmark). */
  LeaseView heard(long now) {
    return new LeaseView(known, needsRead, lease, changedAt, absentClaimUntil, highestTransitions, now, resourceVersion);
  }

  /** What is known may be stale: read before the next decision. */
  LeaseView stale() {
    return new LeaseView(known, true, lease, changedAt, absentClaimUntil, highestTransitions, lastHeardAt, resourceVersion);
  }

  /** The holder seen, "" when none or absent. */
  String holder() {
    return lease == null ? "" : lease.record().holder();
  }

  /** A resourceVersion as a number, -1 when it is not one (then it is not compared). */
  static long parse(String rv) {
    if (rv == null || rv.isEmpty() || rv.length() > 18) {
      return -1;
    }
    for (int i = 0; i < rv.length(); i++) {
      char c = rv.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
    }
    return Long.parseLong(rv);
  }
}
