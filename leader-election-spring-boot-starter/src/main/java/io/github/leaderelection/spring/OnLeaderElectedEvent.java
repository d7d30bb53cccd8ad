package io.github.leaderelection.spring;

import io.github.leaderelection.core.LeadershipTerm;

/** This instance became the leader. See {@link LeadershipEvent} for threading. */
public class OnLeaderElectedEvent extends LeadershipEvent {

  /**
   * @param source the {@link LeaderElection} that publishes the event
   * @param term the term that began
   */
  public OnLeaderElectedEvent(Object source, LeadershipTerm term) {
    super(source, term);
  }

  /**
   * @param source the {@link LeaderElection} that publishes the event
   * @param election the election's name ({@link LeaderElections#DEFAULT} for the default one)
   * @param term the term that began
   */
  public OnLeaderElectedEvent(Object source, String election, LeadershipTerm term) {
    super(source, election, term);
  }

  @Override
  public String toString() {
    return "OnLeaderElectedEvent{election=" + getElection() + ", lease=" + getNamespace() + "/" + getLeaseName() + ", identity="
        + getIdentity() + ", fencingToken=" + getFencingToken() + "}";
  }
}
