package io.github.leaderelection.spring;

import java.util.Objects;
import org.springframework.context.ApplicationEvent;

/**
 * A new holder of the lease was observed: another instance, or this one. Published once per
 * change of holder, in order, on the election's listener thread (never the renewing one), and
 * delivered like {@link OnLeaderElectedEvent} and {@link OnLeaderLostEvent}: every listener
 * gets it even if another throws. A released lease (no holder) is not a new holder, and this
 * instance re-acquiring a lease it held last is not one either.
 *
 * <p>It reports what was seen on the lease, not this instance's leadership: when this instance
 * wins, {@link #isThisInstance()} is true, but act on {@link OnLeaderElectedEvent} (or
 * {@link LeaderElection#isLeader()}) to start leader work. Its order relative to elected and
 * lost is not specified.
 */
public class OnLeaderChangedEvent extends ApplicationEvent {

  private final String election;
  private final String leaseName;
  private final String namespace;
  private final String identity;
  private final String leaderIdentity;

  /**
   * @param source the {@link LeaderElection} that publishes the event
   * @param leaseName the name of the Lease object
   * @param namespace the namespace of the Lease object
   * @param identity this instance's identity
   * @param leaderIdentity the new holder's identity, never empty
   */
  public OnLeaderChangedEvent(Object source, String leaseName, String namespace, String identity,
      String leaderIdentity) {
    this(source, LeaderElections.DEFAULT, leaseName, namespace, identity, leaderIdentity);
  }

  /**
   * @param source the {@link LeaderElection} that publishes the event
   * @param election the election's name ({@link LeaderElections#DEFAULT} for the default one)
   * @param leaseName the name of the Lease object
   * @param namespace the namespace of the Lease object
   * @param identity this instance's identity
   * @param leaderIdentity the new holder's identity, never empty
   */
  public OnLeaderChangedEvent(Object source, String election, String leaseName, String namespace, String identity,
      String leaderIdentity) {
    super(source);
    this.election = Objects.requireNonNull(election, "election");
    this.leaseName = Objects.requireNonNull(leaseName, "leaseName");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.identity = Objects.requireNonNull(identity, "identity");
    this.leaderIdentity = Objects.requireNonNull(leaderIdentity, "leaderIdentity");
  }

  /** The election's name, as for {@link LeadershipEvent#getElection()}. */
  public String getElection() {
    return election;
  }

  /** The name of the Lease object. */
  public String getLeaseName() {
    return leaseName;
  }

  /** The namespace of the Lease object. */
  public String getNamespace() {
    return namespace;
  }

  /** This instance's identity, as it writes it to the lease's holderIdentity. */
  public String getIdentity() {
    return identity;
  }

  /** The new holder's identity: the lease's holderIdentity as observed. */
  public String getLeaderIdentity() {
    return leaderIdentity;
  }

  /** Whether the new holder is this instance. */
  public boolean isThisInstance() {
    return leaderIdentity.equals(identity);
  }

  @Override
  public String toString() {
    return "OnLeaderChangedEvent{election=" + election + ", lease=" + namespace + "/" + leaseName + ", identity=" + identity + ", leader="
        + leaderIdentity + ", thisInstance=" + isThisInstance() + "}";
  }
}
