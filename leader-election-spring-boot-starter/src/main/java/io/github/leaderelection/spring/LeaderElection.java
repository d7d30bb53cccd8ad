package io.github.leaderelection.spring;

import io.github.leaderelection.core.ElectionStatus;
import io.github.leaderelection.core.LeadershipTerm;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * The leader election of this application instance, for code that asks rather than uses
 * {@link LeaderOnly}. Auto-configured as a bean; backed by the core
 * {@link io.github.leaderelection.core.LeaderElector}.
 *
 * <pre>{@code
 * if (leaderElection.isLeader()) {
 *   orders.cleanUp(leaderElection.fencingToken().orElseThrow());
 * }
 * }</pre>
 */
public interface LeaderElection {

  /**
   * Whether this instance is the acting leader now. Time-bounded: true only while less than
   * the renew deadline has passed since the last successful renewal was sent, so it answers
   * false at once after a long pause.
   */
  boolean isLeader();

  /**
   * The current term (lease, identity, fencing token, when acquired); present exactly while
   * {@link #isLeader()} is true. {@link LeaderOnly} checks leadership with this method.
   */
  Optional<LeadershipTerm> currentTerm();

  /** The holder last observed on the lease; empty when nobody holds it or it was not read yet. */
  Optional<String> currentHolder();

  /**
   * The fencing token of the current term (the resourceVersion of the write by which this
   * instance acquired the Lease; it only grows for one Lease name); present exactly while
   * {@link #isLeader()} is true. Downstream
   * systems can reject writes carrying an older token than one they have seen.
   */
  OptionalLong fencingToken();

  /**
   * Waits until this instance is the acting leader.
   *
   * @return true when leader, false when the timeout passed or the election stopped first
   * @throws InterruptedException when the waiting thread is interrupted
   */
  boolean awaitLeadership(Duration timeout) throws InterruptedException;

  /**
   * Gives up leadership on purpose: leader work stops, the lost event is published, the lease
   * is released so another instance takes over at once, and this instance stays out of the
   * race for {@code leader.election.step-down-cooldown}.
   *
   * @return completes with true once the lease was released, false when not the leader
   */
  CompletableFuture<Boolean> stepDown();

  /** A snapshot of the election's state: holder, transitions, this instance's term, last error. */
  ElectionStatus status();
}
