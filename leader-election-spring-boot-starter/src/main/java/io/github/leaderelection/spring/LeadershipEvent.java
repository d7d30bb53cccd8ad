package io.github.leaderelection.spring;

import io.github.leaderelection.core.LeadershipTerm;
import org.springframework.context.ApplicationEvent;

/**
 * A change of this instance's leadership. Published on the election's listener thread, never
 * on the thread that renews the lease: an {@code @EventListener} that blocks or throws cannot
 * delay renewals (it only delays later events). Elected and lost events strictly alternate.
 */
public abstract class LeadershipEvent extends ApplicationEvent {

  private final transient LeadershipTerm term;
  private final String election;

  /**
   * An event of the default election.
   *
   * @param source the {@link LeaderElection} that publishes the event
   * @param term the term that began or ended
   */
  protected LeadershipEvent(Object source, LeadershipTerm term) {
    this(source, LeaderElections.DEFAULT, term);
  }

  /**
   * @param source the {@link LeaderElection} that publishes the event
   * @param election the election's name, {@link LeaderElections#DEFAULT} for the default one
   * @param term the term that began or ended
   */
  protected LeadershipEvent(Object source, String election, LeadershipTerm term) {
    super(source);
    this.term = term;
    this.election = java.util.Objects.requireNonNull(election, "election");
  }

  /**
   * The election's name: {@link LeaderElections#DEFAULT} or a name configured under
   * {@code leader.election.elections}. Listeners of one election filter on it:
   * {@code @EventListener(condition = "#event.election == 'billing'")}.
   */
  public String getElection() {
    return election;
  }

  /** The term that began or ended. */
  public LeadershipTerm getTerm() {
    return term;
  }

  /** The name of the Lease object. */
  public String getLeaseName() {
    return term.leaseName();
  }

  /** The namespace of the Lease object. */
  public String getNamespace() {
    return term.namespace();
  }

  /** This instance's identity, as written to the lease's holderIdentity. */
  public String getIdentity() {
    return term.identity();
  }

  /** The fencing token of the term: the resourceVersion of its acquiring write, growing for one Lease name. */
  public long getFencingToken() {
    return term.fencingToken();
  }
}
