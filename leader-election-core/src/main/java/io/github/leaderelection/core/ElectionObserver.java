package io.github.leaderelection.core;

import java.time.Duration;

/**
 * Hooks for metrics and tracing, called synchronously on the elector thread: implementations
 * must be fast and must not block (record a meter, append to a buffer). Exceptions are logged
 * and ignored.
 */
public interface ElectionObserver {

  /** No-op observer. */
  ElectionObserver NONE = new ElectionObserver() {};

  /**
   * A renewal (or the acquiring write) succeeded.
   *
   * @param sentAtNanos when the request was sent, on the elector's monotonic ticker; the
   *     candidate acts as leader until {@code sentAtNanos + renewDeadline}
   * @param latency how long the request took
   */
  default void renewed(long sentAtNanos, Duration latency) {}

  /** A renewal attempt failed; the leader retries until the renew deadline. */
  default void renewFailed(Duration latency, LeaseStoreException cause) {}

  /** This candidate acquired the lease, {@code sinceCandidacy} after it began competing. */
  default void acquired(LeadershipTerm term, Duration sinceCandidacy) {}

  /** Leadership ended. */
  default void lost(LeadershipTerm term, LossReason reason) {}

  /** An API request failed with {@code status} (0: no response). */
  default void apiError(String operation, int status) {}
}
