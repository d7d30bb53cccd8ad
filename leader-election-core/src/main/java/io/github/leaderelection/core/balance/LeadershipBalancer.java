package io.github.leaderelection.core.balance;

import io.github.leaderelection.core.Ticker;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spreads the leaderships of a group of elections over the live members, so that with L
 * elections on N instances each leads about L/N. It never writes a Lease itself: it only steers
 * the electors, which keep every safety rule per lease through each move.
 *
 * <ul>
 *   <li><b>Steering free leases.</b> Every instance computes the same {@link BalancePlan} from
 *       what it sees. For a lease the plan gives to this instance, its elector takes the lease at
 *       once when it is free; for every other lease it holds back for {@code holdBack}, so the
 *       member below its quota gets it first, and the lease is still taken if that member is
 *       gone.</li>
 *   <li><b>Moving surplus.</b> An instance above its quota releases the surplus (a graceful
 *       step-down: leader work stops, then the compare-and-set release) only once its view of the
 *       members and holders has not changed for {@code settle}, and at most once per settle
 *       time: a joining or leaving instance causes the moves needed and no flapping.</li>
 *   <li><b>Failing safe.</b> Without a view of the members (the watch refused), it steps aside:
 *       the elections run as if unbalanced, after one WARN.</li>
 * </ul>
 */
public final class LeadershipBalancer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LeadershipBalancer.class);

  private final String self;
  private final Members members;
  private final List<BalancedElection> elections;
  private final Duration holdBack;
  private final long settle;
  private final Ticker ticker;

  // Guarded by this.
  private final Map<String, Duration> applied = new HashMap<>();
  private Object view;
  private long stableSince;
  private long lastMoveAt;
  private boolean moved;
  private boolean disabled;
  private BalancePlan plan;
  private ScheduledExecutorService timer;

  /**
   * @param self this instance's identity, as its electors write it
   * @param members the group's members
   * @param elections this instance's balanced elections; every member should run the same
   * @param holdBack how long an elector waits for the planned member before taking a free lease
   * @param settle how long the view must be unchanged before, and between, moves
   */
  public LeadershipBalancer(String self, Members members, List<BalancedElection> elections, Duration holdBack,
      Duration settle, Ticker ticker) {
    this.self = Objects.requireNonNull(self, "self");
    this.members = Objects.requireNonNull(members, "members");
    this.elections = List.copyOf(elections);
    this.holdBack = requirePositive(holdBack, "holdBack");
    this.settle = requirePositive(settle, "settle").toNanos();
    this.ticker = Objects.requireNonNull(ticker, "ticker");
  }

  /**
   * Holds every election back until the first plan (so instances starting together do not let
   * the first one take everything), then plans every {@code period} on a daemon thread.
   */
  public synchronized void start(Duration period) {
    if (timer != null) {
      throw new IllegalStateException("Balancer already started");
    }
    elections.forEach(e -> apply(e, holdBack));
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "leader-election-balancer");
      t.setDaemon(true);
      return t;
    });
    long every = Math.max(1, period.toNanos());
    timer.scheduleWithFixedDelay(() -> {
      try {
        members.maintain();
        evaluate();
      } catch (RuntimeException e) {
        // A bug, not a condition: the next round tries again; the elections go on regardless.
        log.error("Balancing the leader elections failed; retrying", e);
      }
    }, every, every, TimeUnit.NANOSECONDS);
  }

  /** The plan of the last round; null before the first or while balancing is off. */
  public synchronized BalancePlan plan() {
    return plan;
  }

  /** One round: steer every election and, when due, release the surplus. Returns the plan or null. */
  synchronized BalancePlan evaluate() {
    long now = ticker.nanoTime();
    if (!members.available()) {
      if (!disabled) {
        disabled = true;
        log.warn("Balancing is off: the members of the group cannot be seen (the watch on the namespace's leases"
            + " was refused). Each election competes on its own, unbalanced.");
      }
      elections.forEach(e -> apply(e, Duration.ZERO));
      plan = null;
      return null;
    }
    Set<String> live = members.live();
    Map<String, String> holders = new TreeMap<>();
    elections.forEach(e -> holders.put(e.lease(), e.holder().orElse("")));
    Object seen = List.of(live, holders);
    if (!seen.equals(view)) {
      view = seen;
      stableSince = now;
    }
    if (!live.contains(self)) {
      // Not a member yet (or any more): let the members take free leases first.
      elections.forEach(e -> apply(e, holdBack));
      plan = null;
      return null;
    }
    BalancePlan next = BalancePlan.of(live, holders);
    for (BalancedElection e : elections) {
      boolean mine = next.receiverOf(e.lease()).map(self::equals).orElse(false);
      apply(e, mine ? Duration.ZERO : holdBack);
    }
    List<String> surplus = next.releasesFor(self);
    if (!surplus.isEmpty() && now - stableSince >= settle && (!moved || now - lastMoveAt >= settle)) {
      moved = true;
      lastMoveAt = now;
      log.info("Balancing: {} leads {} of {} leases with {} members (quota {}); releasing {}", self,
          next.count(self), holders.size(), live.size(), next.quota(self), surplus);
      elections.stream().filter(e -> surplus.contains(e.lease())).forEach(BalancedElection::release);
    }
    plan = next;
    return next;
  }

  private void apply(BalancedElection e, Duration d) {
    if (!d.equals(applied.get(e.lease()))) {
      applied.put(e.lease(), d);
      e.holdBack(d);
    }
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }

  @Override
  public synchronized String toString() {
    return "LeadershipBalancer{" + self + ", " + elections.size() + " elections, holdBack "
        + holdBack.toMillis() + " ms, plan " + plan + "}";
  }

  private static Duration requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
    return d;
  }
}
