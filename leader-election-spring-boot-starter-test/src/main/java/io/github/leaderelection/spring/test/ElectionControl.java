package io.github.leaderelection.spring.test;

import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.core.LossReason;
import io.github.leaderelection.spring.LeaderElection;
import java.time.Duration;
import java.util.Optional;

/**
 * Control of one election's lease in a test. The test plays the other instances of the
 * application: it takes the lease, hands it back, or makes the API server refuse writes; this
 * instance's real elector reacts as it would on Kubernetes, so each change reaches the
 * application through the real events, {@code @LeaderOnly}, health and meters.
 *
 * <p>Every method that changes leadership returns once the change is complete, as the
 * application sees it: {@link LeaderElection#isLeader()} has changed and the elected or lost
 * event has been delivered to the context's listeners (see {@link LeadershipEvents} for their
 * order), or throws an {@link AssertionError} after a bounded wait
 * ({@code leader.election.test.await-timeout}, or {@link #withTimeout}). None sleeps.
 *
 * <p>Methods that need a running election throw {@link IllegalStateException} when it is not
 * running: in mode {@code never-leader} (it never competes), or while the context is stopped.
 *
 * <p>Call them from the test, not from a listener of the leadership events or a
 * {@code @LeaderOnly} method: the events are delivered one at a time on the election's listener
 * thread, and the lost event waits for running {@code @LeaderOnly} calls, so waiting there for
 * the next event would only end with the timeout.
 */
public interface ElectionControl {

  /**
   * The name of this election, as its events and {@code @LeaderOnly} calls carry it:
   * {@value LeadershipControl#DEFAULT_ELECTION} for the default one.
   */
  String name();

  /**
   * Makes this instance the leader: whoever else holds the lease releases it, and the elector
   * takes it. Returns at once when this instance already leads.
   *
   * <p>How long it takes: at once, except right after this instance lost the lease to another
   * holder (the elector holds back one {@code retry-period} before it takes a lease again, so
   * that a hand-cleared lease goes to the others first) and after a step-down (this instance
   * stays out for {@code step-down-cooldown}). With the kit's timings, at most a second.
   *
   * @return the new term (its fencing token is the one {@code @LeaderOnly} calls now run with)
   * @throws AssertionError when leadership does not come within the timeout
   */
  LeadershipTerm grant();

  /**
   * Ends this instance's leadership as another instance taking over the lease would:
   * {@link LossReason#LEASE_TAKEN}, the holder {@value LeadershipControl#OTHER_INSTANCE}. When
   * this instance does not lead, makes sure it stays a follower (the other instance holds the
   * lease) and publishes nothing. It stays a follower until {@link #grant()}.
   *
   * @throws AssertionError when the lost event does not come within the timeout
   */
  void revoke();

  /**
   * Ends this instance's leadership for {@code reason}, by the path that causes it in
   * production; afterwards another instance holds the lease and this one stays a follower until
   * {@link #grant()}.
   *
   * <ul>
   *   <li>{@link LossReason#LEASE_TAKEN}: as {@link #revoke()}. Immediate.</li>
   *   <li>{@link LossReason#RENEW_FAILED}: the API server refuses writes (HTTP 503) until the
   *       renew deadline passes without a successful renewal; then another instance takes the
   *       lease and writes work again. Takes one {@code renew-deadline} (3 s with the kit's
   *       timings); the failed renewals show in the meters and the health details, as they
   *       would.</li>
   *   <li>{@link LossReason#RELEASED}: {@link #stepDown()}.</li>
   *   <li>{@link LossReason#SHUTDOWN} and {@link LossReason#DEADLINE_PASSED} are refused with an
   *       {@link IllegalArgumentException}: the first comes from stopping or closing the
   *       application context (do that), the second from this process being frozen for longer
   *       than the renew deadline (a long GC pause), which a test cannot cause honestly.</li>
   * </ul>
   *
   * @throws IllegalStateException when this instance does not lead (except for LEASE_TAKEN,
   *     see {@link #revoke()})
   * @throws AssertionError when the lost event does not come within the timeout
   */
  void revoke(LossReason reason);

  /**
   * Another instance, {@code identity}, takes over the lease: as {@link #revoke()}, with that
   * holder (what {@code OnLeaderChangedEvent#getLeaderIdentity()} then says).
   *
   * @throws IllegalArgumentException when {@code identity} is empty or this instance's own
   */
  void handOverTo(String identity);

  /**
   * Steps down through the application's own {@link LeaderElection#stepDown()}, as the
   * {@code leader} endpoint's POST does: leader work stops, the lost event
   * ({@link LossReason#RELEASED}) is published, the lease is released, and another instance
   * takes it at once (as a waiting follower would). This instance stays out for
   * {@code step-down-cooldown}, so a {@link #grant()} right after waits that out.
   *
   * @throws IllegalStateException when this instance does not lead
   * @throws AssertionError when the step-down does not complete within the timeout
   */
  void stepDown();

  /** Whether this instance is the acting leader now ({@link LeaderElection#isLeader()}). */
  boolean isLeader();

  /**
   * Who holds the lease now, as the API server would answer: this instance's identity, another
   * instance's, or empty when the lease is free or does not exist yet.
   */
  Optional<String> holder();

  /** This instance's identity, as it writes it into the lease. */
  String identity();

  /** This control, waiting at most {@code timeout} for each change instead of the kit's timeout. */
  ElectionControl withTimeout(Duration timeout);
}
