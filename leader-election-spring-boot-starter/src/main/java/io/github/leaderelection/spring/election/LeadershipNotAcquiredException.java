package io.github.leaderelection.spring.election;

import java.time.Duration;

/**
 * With {@code leader.election.await-leadership=true}, this instance did not become the leader
 * within {@code leader.election.await-timeout}; startup fails.
 */
public class LeadershipNotAcquiredException extends IllegalStateException {

  private final String lease;
  private final String identity;
  private final Duration timeout;
  private final String holder;

  /**
   * @param lease the lease, as "namespace/name"
   * @param identity this instance's identity
   * @param timeout how long startup waited
   * @param holder the holder last observed, "" for none
   */
  public LeadershipNotAcquiredException(String lease, String identity, Duration timeout, String holder) {
    super("Instance " + identity + " did not become the leader of lease " + lease + " within "
        + timeout.toSeconds() + "s (leader.election.await-timeout); "
        + (holder == null || holder.isEmpty() ? "the lease is not held" : "it is held by " + holder));
    this.lease = lease;
    this.identity = identity;
    this.timeout = timeout;
    this.holder = holder == null ? "" : holder;
  }

  /** The lease, as "namespace/name". */
  public String getLease() {
    return lease;
  }

  /** This instance's identity. */
  public String getIdentity() {
    return identity;
  }

  /** How long startup waited. */
  public Duration getTimeout() {
    return timeout;
  }

  /** The holder last observed, "" for none. */
  public String getHolder() {
    return holder;
  }
}
