package io.github.leaderelection.core.machine;

import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.core.LeaseStoreException;
import io.github.leaderelection.core.LossReason;
import java.time.Duration;

/** What the machine wants done; its only output. The driver performs actions in order. */
public sealed interface Action {

  /** Make this request and report its outcome. */
  record Send(Request request) implements Action {}

  /**
   * Tell listeners this candidate leads; report {@link Event.Delivered} with the id when they
   * have all returned.
   */
  record Elected(LeadershipTerm term, long announcementId, Duration sinceCandidacy) implements Action {}

  /**
   * Tell listeners this candidate stopped leading; it already stopped acting. Report
   * {@link Event.Delivered} with the id when they have all returned.
   */
  record Lost(LeadershipTerm term, LossReason reason, long announcementId) implements Action {}

  /** A different holder was observed (rule 15: ordered, de-duplicated). */
  record NewLeader(String identity) implements Action {}

  /** A read showed a change the watch never delivered: the watch is stalled, restart it. */
  record RestartWatch() implements Action {}

  /** A renewal (or the acquiring write) sent at {@code sentAt} succeeded. */
  record Renewed(long sentAt, Duration latency) implements Action {}

  /** A request failed; it will be retried as the machine decides. */
  record RequestFailed(Request request, LeaseStoreException error, Duration latency) implements Action {}

  /**
   * Leader work or lost-listeners did not return within the shutdown timeout: the lease is not
   * released but left to expire (rule 23).
   */
  record DrainTimedOut(LeadershipTerm term, Duration waited) implements Action {}

  /** The fresh read before a release showed the lease no longer names this candidate. */
  record ReleaseSkipped(LeadershipTerm term, String holder) implements Action {}

  /** The lease was released with a compare-and-set write. */
  record Released(LeadershipTerm term) implements Action {}

  /** Pending step-down requests are done. */
  record StepDownDone(boolean released) implements Action {}

  /** The machine reached its end; nothing more will be sent. */
  record Closed() implements Action {}
}
