package io.github.leaderelection.core;

/** Why a candidate stopped being the leader. */
public enum LossReason {
  /** Renewals failed (IO errors, timeouts, 5xx) until the renew deadline passed. */
  RENEW_FAILED,
  /** A fresh read showed another holder, or the lease was recreated by someone else. */
  LEASE_TAKEN,
  /** {@link LeaderElector#stepDown()} released the lease on purpose. */
  RELEASED,
  /** The elector is closing. */
  SHUTDOWN,
  /**
   * The renew deadline passed before the elector could even try: the process was paused
   * (GC, SIGSTOP) or its thread starved for longer than the renew deadline.
   */
  DEADLINE_PASSED
}
