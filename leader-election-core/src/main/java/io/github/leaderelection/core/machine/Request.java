package io.github.leaderelection.core.machine;

import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.core.LeaseRecord;
import io.github.leaderelection.core.VersionedLease;

/**
 * One request the machine wants made to the Lease store. The machine has at most one in flight;
 * its outcome comes back as {@link Event.Answer} or {@link Event.Failure} with the same id.
 *
 * @param id unique per machine; outcomes carrying another id are ignored
 * @param op what to call on the store
 * @param purpose why, which decides what the outcome means
 * @param base for {@link Op#UPDATE}: the lease as read, whose resourceVersion makes the write
 *     conditional (rule 2); else null
 * @param record for {@link Op#CREATE} and {@link Op#UPDATE}: the owned fields to write; else null
 * @param term the term the request serves (renewals, releases); else null
 * @param sentAt monotonic instant the request was decided, which is when it is sent
 */
public record Request(long id, Op op, Purpose purpose, VersionedLease base, LeaseRecord record,
    LeadershipTerm term, long sentAt) {

  /** The store operation. */
  public enum Op { GET, CREATE, UPDATE }

  /** Why the request is made. */
  public enum Purpose {
    /** A follower reads the lease: first read, after a lost race, or a poll while the watch is silent. */
    OBSERVE,
    /** A follower writes itself in (create or conditional update). */
    ACQUIRE,
    /** The leader renews (or recreates a deleted lease with its term, rule 11). */
    RENEW,
    /** The leader reads after a conflict or a foreign record: only a fresh read decides (rule 10). */
    VERIFY,
    /** The fresh read before a release (rule 5). */
    RELEASE_READ,
    /** The compare-and-set release: holder "", duration 1 s, transitions kept (rule 5). */
    RELEASE
  }
}
