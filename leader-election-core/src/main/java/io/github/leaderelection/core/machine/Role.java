package io.github.leaderelection.core.machine;

import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.core.VersionedLease;

/**
 * Where a candidate is in the election. Each variant holds exactly what its transitions need,
 * so a transition that would need something else cannot be written: a {@link Releasing}
 * candidate has no way to acquire (rule 22), a {@link Following} one has no term to renew.
 */
public sealed interface Role {

  /** Built, not started. */
  record New() implements Role {}

  /**
   * Competing: watching the lease and acquiring it when free.
   *
   * @param cooldownUntil after a step-down, no acquiring before this instant
   * @param candidacyStart when this candidacy began (for the time-to-leader meter)
   */
  record Following(long cooldownUntil, long candidacyStart) implements Role {}

  /**
   * The acting leader, while {@code now < renewSentAt + renewDeadline} (rule 3).
   *
   * @param term the term
   * @param renewSentAt when the last successful renewal (or the acquiring write) was sent
   * @param lease the lease as last written or read with this candidate as holder: the base of
   *     the next conditional renewal
   * @param nextRenewAt when to renew next (rule 9: on this schedule, never on watch events)
   * @param verify a fresh read must decide before renewing again (rule 10)
   * @param announcementId the id of the elected notification
   */
  record Leading(LeadershipTerm term, long renewSentAt, VersionedLease lease, long nextRenewAt,
      boolean verify, long announcementId) implements Role {}

  /**
   * Stopped acting; waits for lost-listeners (leader work) to return, then releases the lease
   * with a compare-and-set (rule 5), then cools down or closes.
   *
   * @param term the term that ended: the only one this release may clear (rule 22)
   * @param lostId the lost notification waited for
   * @param drained whether its listeners returned
   * @param drainUntil when to stop waiting and let the lease expire instead (rule 23)
   * @param release whether to release at all (release-on-shutdown)
   * @param fresh the lease read for the release, null until read
   * @param attempts reads made for the release so far (bounded)
   * @param closeAfter close once done, instead of cooling down
   * @param stepDownPending a step-down waits for this release
   */
  record Releasing(LeadershipTerm term, long lostId, boolean drained, long drainUntil, boolean release,
      VersionedLease fresh, int attempts, boolean closeAfter, boolean stepDownPending) implements Role {

    Releasing drainedNow() {
      return new Releasing(term, lostId, true, drainUntil, release, fresh, attempts, closeAfter, stepDownPending);
    }

    Releasing read(VersionedLease lease) {
      return new Releasing(term, lostId, drained, drainUntil, release, lease, attempts, closeAfter, stepDownPending);
    }

    Releasing retry() {
      return new Releasing(term, lostId, drained, drainUntil, release, null, attempts + 1, closeAfter, stepDownPending);
    }

    Releasing closing() {
      return new Releasing(term, lostId, drained, drainUntil, release, fresh, attempts, true, stepDownPending);
    }

    Releasing stepDownToo() {
      return new Releasing(term, lostId, drained, drainUntil, release, fresh, attempts, closeAfter, true);
    }
  }

  /**
   * Closed for business, waiting only for the answer of an acquiring write that was in flight:
   * if it won, the lease is released without ever acting on it.
   */
  record Closing() implements Role {}

  /** Done. */
  record Closed() implements Role {}
}
