package io.github.leaderelection.spring.test;

import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.core.LossReason;
import io.github.leaderelection.spring.LeaderElections;
import io.github.leaderelection.spring.LeadershipEvent;
import io.github.leaderelection.spring.OnLeaderChangedEvent;
import io.github.leaderelection.spring.OnLeaderElectedEvent;
import io.github.leaderelection.spring.OnLeaderLostEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * The leadership events the application context received, in the order it received them:
 * {@link OnLeaderElectedEvent}, {@link OnLeaderLostEvent} and {@link OnLeaderChangedEvent}.
 * A bean of the kit ({@link AutoConfigureLeaderElectionControl}); emptied before each test
 * method with {@link LeadershipControl#reset()}.
 *
 * <p>Lists are copies, ready for AssertJ:
 *
 * <pre>{@code
 * leadership.revoke();
 * leadership.grant();
 * assertThat(events.history()).containsExactly("lost LEASE_TAKEN", "elected");
 * assertThat(events.lost()).singleElement().extracting(OnLeaderLostEvent::getReason).isEqualTo(LEASE_TAKEN);
 * }</pre>
 *
 * <h2>After the application's listeners</h2>
 * It listens with the lowest precedence, and among listeners of equal order (the default of
 * {@code @EventListener}) Spring keeps the order of registration, in which the application's
 * beans come before those of auto-configurations: an event is recorded after the application's
 * listeners of this context ran for it, so when {@link LeadershipControl#grant()} or
 * {@link LeadershipControl#revoke()} returns, the application's elected or lost listeners have
 * run. Listeners of child contexts get the event after it (the starter delivers it there next).
 *
 * <p>Elected and lost strictly alternate, as the starter promises; the order of
 * {@link OnLeaderChangedEvent} relative to them is not specified, so {@link #history()} leaves
 * it out and {@link #leaders()} lists it alone.
 *
 * <h2>Several elections</h2>
 * Every election's events are recorded here, each carrying its election's name
 * ({@link LeadershipEvent#getElection()}, {@link OnLeaderChangedEvent#getElection()}). This
 * bean's methods cover all of them; {@link #election(String)} gives the same methods for one
 * election only, and that is what to assert on once there are several, since elected and lost
 * alternate per election, not across them:
 *
 * <pre>{@code
 * leadership.election("billing").revoke();
 * assertThat(events.election("billing").history()).containsExactly("lost LEASE_TAKEN");
 * assertThat(events.election("default").all()).isEmpty();
 * }</pre>
 */
public final class LeadershipEvents {

  /** What the bean records, shared with its per-election views. */
  private static final class Recorded {
    final Object lock = new Object();
    final List<ApplicationEvent> events = new ArrayList<>(); // guarded by lock
    // What LeadershipControl waits for; never cleared, so a clear() between a change and its wait
    // cannot make the wait miss it. One entry per term (terms of different elections differ in
    // their lease): a few per test.
    final Set<LeadershipTerm> electedTerms = new HashSet<>(); // guarded by lock
    final Map<LeadershipTerm, LossReason> lostTerms = new HashMap<>(); // guarded by lock
  }

  private final Recorded recorded;
  private final KitElections elections;
  /** The election this view shows, as the events name it; null for all of them (the bean). */
  private final @Nullable String election;

  LeadershipEvents(KitElections elections) {
    this(new Recorded(), elections, null);
  }

  private LeadershipEvents(Recorded recorded, KitElections elections, @Nullable String election) {
    this.recorded = recorded;
    this.elections = elections;
    this.election = election;
  }

  @EventListener({OnLeaderElectedEvent.class, OnLeaderLostEvent.class, OnLeaderChangedEvent.class})
  @Order(Ordered.LOWEST_PRECEDENCE)
  void record(ApplicationEvent event) {
    synchronized (recorded.lock) {
      recorded.events.add(event);
      if (event instanceof OnLeaderElectedEvent elected) {
        recorded.electedTerms.add(elected.getTerm());
      } else if (event instanceof OnLeaderLostEvent lost) {
        recorded.lostTerms.put(lost.getTerm(), lost.getReason());
      }
      recorded.lock.notifyAll();
    }
  }

  /**
   * The events of the election named {@code name} only, with the same methods as this bean:
   * {@link LeaderElections#DEFAULT} (or "") for the default election, else a name configured
   * under {@code leader.election.elections}. Its {@link #clear()} forgets that election's
   * events only.
   *
   * @throws IllegalArgumentException when no election has that name; the message lists the
   *     names there are
   */
  public LeadershipEvents election(String name) {
    return new LeadershipEvents(recorded, elections, elections.resolve(name));
  }

  /** Every recorded event (of this view's election, on a view), in order. */
  public List<ApplicationEvent> all() {
    return ofType(ApplicationEvent.class);
  }

  /** The elected and lost events, in order: they strictly alternate within one election. */
  public List<LeadershipEvent> leadership() {
    return ofType(LeadershipEvent.class);
  }

  /** The {@link OnLeaderElectedEvent}s, in order. */
  public List<OnLeaderElectedEvent> elected() {
    return ofType(OnLeaderElectedEvent.class);
  }

  /** The {@link OnLeaderLostEvent}s, in order. */
  public List<OnLeaderLostEvent> lost() {
    return ofType(OnLeaderLostEvent.class);
  }

  /** The {@link OnLeaderChangedEvent}s (a new holder of the lease was seen), in order. */
  public List<OnLeaderChangedEvent> changed() {
    return ofType(OnLeaderChangedEvent.class);
  }

  /** The reasons of the lost events, in order. */
  public List<LossReason> lossReasons() {
    return lost().stream().map(OnLeaderLostEvent::getReason).toList();
  }

  /**
   * The elected and lost events as text, in order: {@code "elected"}, {@code "lost LEASE_TAKEN"}
   * (the reason after "lost "), for {@code containsExactly}. The text does not name the
   * election: with several, ask a view ({@link #election(String)}).
   */
  public List<String> history() {
    return leadership().stream()
        .map(e -> e instanceof OnLeaderLostEvent lost ? "lost " + lost.getReason() : "elected")
        .toList();
  }

  /** The holders announced by the {@link OnLeaderChangedEvent}s, in order. */
  public List<String> leaders() {
    return changed().stream().map(OnLeaderChangedEvent::getLeaderIdentity).toList();
  }

  /**
   * The first recorded event of {@code type} (of this view's election, on a view), waiting for
   * it if there is none yet.
   *
   * @throws AssertionError when none arrives within the kit's timeout ({@code leader.election.test.await-timeout})
   */
  public <E extends ApplicationEvent> E await(Class<E> type) {
    return await(type, e -> true, timeout());
  }

  /**
   * The first recorded event of {@code type} that matches {@code condition} (of this view's
   * election, on a view), waiting for it if there is none yet; for changes the test does not
   * make through {@link LeadershipControl} (a step-down through the endpoint, a stopped context).
   *
   * @throws AssertionError when none arrives within the kit's timeout
   */
  public <E extends ApplicationEvent> E await(Class<E> type, Predicate<? super E> condition) {
    return await(type, condition, timeout());
  }

  /**
   * As {@link #await(Class, Predicate)}, waiting at most {@code timeout}.
   *
   * @throws AssertionError when none arrives in time
   */
  public <E extends ApplicationEvent> E await(Class<E> type, Predicate<? super E> condition, Duration timeout) {
    E found = Waits.until(recorded.lock, timeout, () -> {
      for (ApplicationEvent e : recorded.events) {
        if (type.isInstance(e) && inView(e) && condition.test(type.cast(e))) {
          return type.cast(e);
        }
      }
      return null;
    });
    if (found == null) {
      throw new AssertionError("No matching " + type.getSimpleName()
          + (election == null ? "" : " of election '" + election + "'") + " within " + Waits.format(timeout)
          + "; recorded: " + all());
    }
    return found;
  }

  /**
   * Forgets the recorded events (what {@link LeadershipControl#reset()} does before each test);
   * on a view, those of its election only.
   */
  public void clear() {
    synchronized (recorded.lock) {
      recorded.events.removeIf(this::inView);
    }
  }

  // --- for LeadershipControl -----------------------------------------------------------------

  /** The monitor notified on every event. */
  Object monitor() {
    return recorded.lock;
  }

  /** Whether the elected event of {@code term} was delivered (call under {@link #monitor()}). */
  boolean electedDelivered(LeadershipTerm term) {
    return recorded.electedTerms.contains(term);
  }

  /** The reason of the lost event of {@code term} if it was delivered (call under {@link #monitor()}). */
  @Nullable LossReason lostDelivered(LeadershipTerm term) {
    return recorded.lostTerms.get(term);
  }

  /** A wait on a view is as long as a change of its election may take; on the bean, the longest. */
  private Duration timeout() {
    return election == null ? elections.longestAwaitTimeout() : elections.awaitTimeout(election);
  }

  private boolean inView(ApplicationEvent event) {
    return election == null || election.equals(electionOf(event));
  }

  private static @Nullable String electionOf(ApplicationEvent event) {
    if (event instanceof LeadershipEvent e) {
      return e.getElection();
    }
    return event instanceof OnLeaderChangedEvent e ? e.getElection() : null;
  }

  private <E> List<E> ofType(Class<E> type) {
    synchronized (recorded.lock) {
      return recorded.events.stream().filter(e -> type.isInstance(e) && inView(e)).map(type::cast).toList();
    }
  }

  @Override
  public String toString() {
    return "LeadershipEvents" + (election == null ? "" : "{" + election + "}")
        + all().stream().map(Objects::toString).toList();
  }
}
