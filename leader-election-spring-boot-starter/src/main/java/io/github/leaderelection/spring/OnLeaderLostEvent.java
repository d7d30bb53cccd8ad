package io.github.leaderelection.spring;

import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.core.LossReason;

/**
 * This instance stopped being the leader. It had already stopped acting as leader, and
 * {@link LeaderOnly} calls of the term had finished or been interrupted (bounded by the
 * shutdown timeout), before this event. On shutdown the lease is released after it.
 */
public class OnLeaderLostEvent extends LeadershipEvent {

  private final LossReason reason;

  /**
   * @param source the {@link LeaderElection} that publishes the event
   * @param term the term that ended
   * @param reason why it ended
   */
  public OnLeaderLostEvent(Object source, LeadershipTerm term, LossReason reason) {
    this(source, LeaderElections.DEFAULT, term, reason);
  }

  /**
   * @param source the {@link LeaderElection} that publishes the event
   * @param election the election's name ({@link LeaderElections#DEFAULT} for the default one)
   * @param term the term that ended
   * @param reason why it ended
   */
  public OnLeaderLostEvent(Object source, String election, LeadershipTerm term, LossReason reason) {
    super(source, election, term);
    this.reason = reason;
  }

  /** Why the term ended. */
  public LossReason getReason() {
    return reason;
  }

  @Override
  public String toString() {
    return "OnLeaderLostEvent{election=" + getElection() + ", lease=" + getNamespace() + "/" + getLeaseName() + ", identity="
        + getIdentity() + ", fencingToken=" + getFencingToken() + ", reason=" + reason + "}";
  }
}
