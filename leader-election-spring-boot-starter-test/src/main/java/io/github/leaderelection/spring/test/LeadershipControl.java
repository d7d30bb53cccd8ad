package io.github.leaderelection.spring.test;

import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.core.LossReason;
import io.github.leaderelection.spring.LeaderElections;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * {@link #election(String)} gives the control of any election by name, the named ones
 * ({@code leader.election.elections.<name>}) included, with the same methods. Each election
 * runs the starter's real elector on its own in-memory lease with the API server's semantics:
 * only the other instances are played by the test, and a change to one election leaves the
 * others as they are.
 *
 * <pre>{@code
 * leadership.election("billing").revoke();   // @LeaderOnly("billing") is skipped from now on
 * leadership.election("billing").grant();
 * }</pre>
 *
 * <h2>State between tests</h2>
 * Spring's test context cache shares one application context between test classes with the
 * same configuration. So that one test's revoke does not leak into the next, the kit calls
 * {@link #reset()} before each test method ({@link LeadershipControlTestExecutionListener}):
 * this instance leads every election, nothing is injected, the recorders are empty. Set
 * {@code leader.election.test.reset-before-each-test=false} to keep the state across the test
 * methods of a context (then call {@code reset()} yourself where needed). In an
 * {@code ApplicationContextRunner} each run has its own context: nothing to reset.
 */
public final class LeadershipControl implements ElectionControl {

  /**
   * The name of the default election, the one configured by {@code leader.election.*}:
   * {@link LeaderElections#DEFAULT}, the name its events and {@code @LeaderOnly} calls carry.
   * {@link #election(String)} accepts "" for it as well.
   */
  public static final String DEFAULT_ELECTION = LeaderElections.DEFAULT;

  /**
   * The identity of "another instance" that takes the lease on {@link #revoke()}: what
   * {@code OnLeaderChangedEvent#getLeaderIdentity()} and {@link #holder()} then say.
   */
  public static final String OTHER_INSTANCE = "other-instance";

  private final LeaseElectionControl defaultElection;
  /** Every election's control by name, the default first, then the named ones as configured. */
  private final Map<String, LeaseElectionControl> elections;
  private final LeadershipEvents events;
  private final LeaderOnlyInvocations invocations;
  private final boolean resetBeforeEachTest;

  /** @param elections every election's control, the default one first */
  LeadershipControl(List<LeaseElectionControl> elections, LeadershipEvents events, LeaderOnlyInvocations invocations,
      boolean resetBeforeEachTest) {
    Map<String, LeaseElectionControl> byName = new LinkedHashMap<>();
    elections.forEach(e -> byName.put(e.name(), e));
    this.elections = Collections.unmodifiableMap(byName);
    this.defaultElection = Objects.requireNonNull(byName.get(DEFAULT_ELECTION), "the default election's control");
    this.events = events;
    this.invocations = invocations;
    this.resetBeforeEachTest = resetBeforeEachTest;
  }

  /**
   * The control of the election named {@code name}: {@link #DEFAULT_ELECTION} (or "") for the
   * default election, the one the other methods of this class act on; else a name configured
   * under {@code leader.election.elections}, as {@code @LeaderOnly("billing")} names it.
   *
   * @throws IllegalArgumentException when no election has that name; the message lists the
   *     names there are ({@code LeaderElections.names()})
   */
  public ElectionControl election(String name) {
    Objects.requireNonNull(name, "name");
    // Every election of the context has a control (the kit refuses to start otherwise), so the
    // names here are LeaderElections.names().
    LeaseElectionControl control = elections.get(name.isEmpty() ? DEFAULT_ELECTION : name);
    if (control == null) {
      throw new LeaderElections.NoSuchElectionException(name, elections.keySet());
    }
    return control;
  }

  /**
   * Puts everything back as the elections start: injected failures cleared, this instance the
   * leader of every election (unless in never-leader mode or not running), the recorded events
   * and {@code @LeaderOnly} calls forgotten. Called before each test method unless
   * {@code leader.election.test.reset-before-each-test=false}.
   *
   * <p>A {@code @LeaderOnly} call that a scheduler started while this instance was still a
   * follower, and that is being decided at the very moment of the reset, can be recorded (as
   * skipped) just after it; assert on calls the test waits for ({@link LeaderOnlyInvocations#awaitExecuted}).
   *
   * @throws AssertionError when this instance does not become the leader of an election within
   *     the timeout
   */
  public void reset() {
    // One after the other: each grant returns once its elected event was delivered, so when the
    // last one returns every election leads, and none of their elected events is still to come.
    elections.values().forEach(LeaseElectionControl::reset);
    // After the grants, so their elected events are not left over for the test.
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
    return "LeadershipControl" + elections.values();
  }
}
