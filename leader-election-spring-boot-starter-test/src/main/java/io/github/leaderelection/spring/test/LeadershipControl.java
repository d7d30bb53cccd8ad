package io.github.leaderelection.spring.test;

import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.core.LossReason;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Makes the application under test win, lose and win again its leader election, on a lease
 * the test controls, with no API server. A bean of the kit: add
 * {@link AutoConfigureLeaderElectionControl} to the test and inject it.
 *
 * <pre>{@code
 * @Autowired LeadershipControl leadership;
 *
 * leadership.revoke();        // another instance takes the lease: OnLeaderLostEvent(LEASE_TAKEN)
 * leadership.grant();         // this instance leads again: OnLeaderElectedEvent, a new fencing token
 * leadership.stepDown();      // LeaderElection.stepDown(): OnLeaderLostEvent(RELEASED)
 * leadership.revoke(LossReason.RENEW_FAILED);
 * }</pre>
 *
 * <p>Its methods act on the default election (the one of {@code leader.election.*});
 * {@link #election(String)} gives the control of one election by name, with the same methods.
 * The elector that runs is the starter's real one, on an in-memory lease with the API server's
 * semantics: only the other instances are played by the test.
 *
 * <h2>State between tests</h2>
 * Spring's test context cache shares one application context between test classes with the
 * same configuration. So that one test's revoke does not leak into the next, the kit calls
 * {@link #reset()} before each test method ({@link LeadershipControlTestExecutionListener}):
 * this instance leads, nothing is injected, the recorders are empty. Set
 * {@code leader.election.test.reset-before-each-test=false} to keep the state across the test
 * methods of a context (then call {@code reset()} yourself where needed). In an
 * {@code ApplicationContextRunner} each run has its own context: nothing to reset.
 */
public final class LeadershipControl implements ElectionControl {

  /** The name of the default election, the one configured by {@code leader.election.*}. */
  public static final String DEFAULT_ELECTION = "";

  /**
   * The identity of "another instance" that takes the lease on {@link #revoke()}: what
   * {@code OnLeaderChangedEvent#getLeaderIdentity()} and {@link #holder()} then say.
   */
  public static final String OTHER_INSTANCE = "other-instance";

  private final LeaseElectionControl defaultElection;
  private final LeadershipEvents events;
  private final LeaderOnlyInvocations invocations;
  private final boolean resetBeforeEachTest;

  LeadershipControl(LeaseElectionControl defaultElection, LeadershipEvents events,
      LeaderOnlyInvocations invocations, boolean resetBeforeEachTest) {
    this.defaultElection = defaultElection;
    this.events = events;
    this.invocations = invocations;
    this.resetBeforeEachTest = resetBeforeEachTest;
  }

  /**
   * The control of the election named {@code name}; {@link #DEFAULT_ELECTION} is the default
   * election, the one the other methods of this class act on.
   *
   * @throws IllegalArgumentException for any other name: this version of the kit controls the
   *     default election only
   */
  public ElectionControl election(String name) {
    Objects.requireNonNull(name, "name");
    if (name.equals(DEFAULT_ELECTION)) {
      return defaultElection;
    }
    throw new IllegalArgumentException("No election named '" + name + "' to control: this version of the test"
        + " kit controls the default election only (election(LeadershipControl.DEFAULT_ELECTION), or the"
        + " methods of LeadershipControl itself)");
  }

  /**
   * Puts everything back as the election starts: injected failures cleared, this instance the
   * leader (unless in never-leader mode or not running), the recorded events and
   * {@code @LeaderOnly} calls forgotten. Called before each test method unless
   * {@code leader.election.test.reset-before-each-test=false}.
   *
   * <p>A {@code @LeaderOnly} call that a scheduler started while this instance was still a
   * follower, and that is being decided at the very moment of the reset, can be recorded (as
   * skipped) just after it; assert on calls the test waits for ({@link LeaderOnlyInvocations#awaitExecuted}).
   *
   * @throws AssertionError when this instance does not become the leader within the timeout
   */
  public void reset() {
    defaultElection.reset();
    // After the grant, so its elected event is not left over for the test.
    events.clear();
    invocations.clear();
  }

  /** Whether {@link LeadershipControlTestExecutionListener} resets this control before each test. */
  boolean resetsBeforeEachTest() {
    return resetBeforeEachTest;
  }

  @Override
  public String name() {
    return DEFAULT_ELECTION;
  }

  @Override
  public LeadershipTerm grant() {
    return defaultElection.grant();
  }

  @Override
  public void revoke() {
    defaultElection.revoke();
  }

  @Override
  public void revoke(LossReason reason) {
    defaultElection.revoke(reason);
  }

  @Override
  public void handOverTo(String identity) {
    defaultElection.handOverTo(identity);
  }

  @Override
  public void stepDown() {
    defaultElection.stepDown();
  }

  @Override
  public boolean isLeader() {
    return defaultElection.isLeader();
  }

  @Override
  public Optional<String> holder() {
    return defaultElection.holder();
  }

  @Override
  public String identity() {
    return defaultElection.identity();
  }

  /** The default election's control, waiting at most {@code timeout} for each change. */
  @Override
  public ElectionControl withTimeout(Duration timeout) {
    return defaultElection.withTimeout(timeout);
  }

  @Override
  public String toString() {
    return "LeadershipControl{" + defaultElection + "}";
  }
}
