package io.github.leaderelection.spring.test;

import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.core.LossReason;
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
 */
public final class LeadershipEvents {

  private final Object lock = new Object();
  private final Duration timeout;
  private final List<ApplicationEvent> events = new ArrayList<>(); // guarded by lock
  // What LeadershipControl waits for; never cleared, so a clear() between a change and its wait
  // cannot make the wait miss it. One entry per term: a few per test.
  private final Set<LeadershipTerm> electedTerms = new HashSet<>(); // guarded by lock
  private final Map<LeadershipTerm, LossReason> lostTerms = new HashMap<>(); // guarded by lock

  LeadershipEvents(Duration timeout) {
    this.timeout = timeout;
  }

  @EventListener({OnLeaderElectedEvent.class, OnLeaderLostEvent.class, OnLeaderChangedEvent.class})
  @Order(Ordered.LOWEST_PRECEDENCE)
  void record(ApplicationEvent event) {
    synchronized (lock) {
      events.add(event);
      if (event instanceof OnLeaderElectedEvent elected) {
        electedTerms.add(elected.getTerm());
      } else if (event instanceof OnLeaderLostEvent lost) {
        lostTerms.put(lost.getTerm(), lost.getReason());
      }
      lock.notifyAll();
    }
  }

  /** Every recorded event, in order. */
  public List<ApplicationEvent> all() {
    synchronized (lock) {
      return List.copyOf(events);
    }
  }

  /** The elected and lost events, in order: they strictly alternate. */
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
   * (the reason after "lost "), for {@code containsExactly}.
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
   * The first recorded event of {@code type}, waiting for it if there is none yet.
   *
   * @throws AssertionError when none arrives within the kit's timeout ({@code leader.election.test.await-timeout})
   */
  public <E extends ApplicationEvent> E await(Class<E> type) {
    return await(type, e -> true, timeout);
  }

  /**
   * The first recorded event of {@code type} that matches {@code condition}, waiting for it if
   * there is none yet; for changes the test does not make through {@link LeadershipControl}
   * (a step-down through the endpoint, a stopped context).
   *
   * @throws AssertionError when none arrives within the kit's timeout
   */
  public <E extends ApplicationEvent> E await(Class<E> type, Predicate<? super E> condition) {
    return await(type, condition, timeout);
  }

  /**
   * As {@link #await(Class, Predicate)}, waiting at most {@code timeout}.
   *
   * @throws AssertionError when none arrives in time
   */
  public <E extends ApplicationEvent> E await(Class<E> type, Predicate<? super E> condition, Duration timeout) {
    E found = Waits.until(lock, timeout, () -> {
      for (ApplicationEvent e : events) {
        if (type.isInstance(e) && condition.test(type.cast(e))) {
          return type.cast(e);
        }
      }
      return null;
    });
    if (found == null) {
      throw new AssertionError("No matching " + type.getSimpleName() + " within " + Waits.format(timeout)
          + "; recorded: " + all());
    }
    return found;
  }

  /** Forgets the recorded events (what {@link LeadershipControl#reset()} does before each test). */
  public void clear() {
    synchronized (lock) {
      events.clear();
    }
  }

  // --- for LeadershipControl -----------------------------------------------------------------

  /** The monitor notified on every event. */
  Object monitor() {
    return lock;
  }

  /** Whether the elected event of {@code term} was delivered (call under {@link #monitor()}). */
  boolean electedDelivered(LeadershipTerm term) {
    return electedTerms.contains(term);
  }

  /** The reason of the lost event of {@code term} if it was delivered (call under {@link #monitor()}). */
  @Nullable LossReason lostDelivered(LeadershipTerm term) {
    return lostTerms.get(term);
  }

  private <E> List<E> ofType(Class<E> type) {
    synchronized (lock) {
      return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "LeadershipEvents" + events.stream().map(Objects::toString).toList();
    }
  }
}
