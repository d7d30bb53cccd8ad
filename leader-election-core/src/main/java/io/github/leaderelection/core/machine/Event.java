package io.github.leaderelection.core.machine;

import io.github.leaderelection.core.LeaseStoreException;
import io.github.leaderelection.core.VersionedLease;

/** What can happen to an election; the machine's only input. */
public sealed interface Event {

  /** The elector starts competing. */
  record Start() implements Event {}

  /**
   * The lease feed saw the lease: a watch event, or (never from the feed) a read.
   *
   * @param lease the lease, or null when it was deleted
   * @param resourceVersion the event's resourceVersion (for a deletion, the deletion's), may be null
   */
  record Observed(VersionedLease lease, String resourceVersion) implements Event {}

  /** The watch confirmed progress without a change (a bookmark): it is alive. */
  record Progress(String resourceVersion) implements Event {}

  /**
   * A request succeeded.
   *
   * @param requestId the request's id
   * @param lease what the server returned; null for a read of a lease that does not exist
   */
  record Answer(long requestId, VersionedLease lease) implements Event {}

  /**
   * A request failed, for any reason: an HTTP status, an I/O error, a timeout, a body the
   * client could not parse, a runtime exception below the elector (rule 25).
   */
  record Failure(long requestId, LeaseStoreException error) implements Event {}

  /** Time passed: the wake-up the machine asked for, or any other. */
  record Tick() implements Event {}

  /**
   * From now on, take a free lease (released, expired or absent) only {@code holdBack} after it
   * became free, so that other candidates get it first; zero for at once, the default. A lease
   * whose record names this candidate is re-acquired without holding back. Holding back only
   * delays a takeover, so it can never make two leaders; balancing uses it to steer a free lease
   * to the candidate that should get it.
   */
  record Defer(java.time.Duration holdBack) implements Event {
    public Defer {
      if (holdBack == null || holdBack.isNegative()) {
        throw new IllegalArgumentException("holdBack must be zero or positive, was " + holdBack);
      }
    }
  }

  /** The application gives up leadership on purpose. */
  record StepDown() implements Event {}

  /** Every listener has returned from the notification with this id. */
  record Delivered(long announcementId) implements Event {}

  /** The elector shuts down. */
  record Close() implements Event {}
}
