package io.github.leaderelection.core.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The balancer on a fake clock: each round steers the electors and, when due, releases surplus.
 * The group tests run several balancers on one simulated set of leases, where a free lease goes
 * to the candidate whose hold-back runs out first, and a releaser stays out for a cool-down, as
 * the elector does.
 */
class LeadershipBalancerTest {

  static final long MS = 1_000_000L;
  static final long S = 1_000 * MS;
  static final Duration HOLD_BACK = Duration.ofSeconds(1);
  static final Duration SETTLE = Duration.ofSeconds(4);
  static final long COOLDOWN = 4 * S;
  static final long EXPIRY = 4 * S;

  long now = 1_000 * S;

  // --- one balancer -----------------------------------------------------------------------------

  @Test
  void holdsEveryElectionBackUntilItIsAMember() {
    FakeMembers members = new FakeMembers();
    Map<String, String> leases = leases(3, "");
    Node a = new Node("a", members, leases);
    a.balancer.evaluate();
    assertThat(a.holdBacks.values()).containsOnly(HOLD_BACK);
    members.live.add("a");
    a.balancer.evaluate();
    assertThat(a.holdBacks.values()).containsOnly(Duration.ZERO); // alone: everything is its to take
  }

  @Test
  void takesAtOnceOnlyWhatThePlanGivesIt() {
    FakeMembers members = new FakeMembers("a", "b");
    Map<String, String> leases = leases(4, "");
    Node a = new Node("a", members, leases);
    BalancePlan plan = a.balancer.evaluate();
    for (String lease : leases.keySet()) {
      boolean mine = plan.receiverOf(lease).orElseThrow().equals("a");
      assertThat(a.holdBacks.get(lease)).as(lease).isEqualTo(mine ? Duration.ZERO : HOLD_BACK);
    }
    assertThat(a.holdBacks.values().stream().filter(Duration.ZERO::equals)).hasSize(2);
  }

  @Test
  void releasesSurplusOnlyAfterTheViewHeldStillForTheSettleTimeAndThenNotAgainBeforeIt() {
    FakeMembers members = new FakeMembers("a");
    Map<String, String> leases = leases(4, "a");
    Node a = new Node("a", members, leases);
    a.balancer.evaluate();
    members.live.add("b"); // b joins: a holds 4, its quota is 2
    now += S;
    a.balancer.evaluate();
    assertThat(a.released).isEmpty();
    now += SETTLE.toNanos() - 1;
    a.balancer.evaluate();
    assertThat(a.released).as("one nanosecond before the view settled").isEmpty();
    now += 1;
    a.balancer.evaluate();
    assertThat(a.released).containsExactly("lease-2", "lease-3");
    // The receiver is slow: the plan still has surplus, but the next move waits a settle time.
    leases.put("lease-2", "a");
    leases.put("lease-3", "a");
    now += SETTLE.toNanos() - 1;
    a.balancer.evaluate();
    assertThat(a.released).hasSize(2);
    now += 1;
    a.balancer.evaluate();
    assertThat(a.released).hasSize(4);
  }

  @Test
  void aChangeOfTheViewRestartsTheSettleTime() {
    FakeMembers members = new FakeMembers("a", "b");
    Map<String, String> leases = leases(4, "a");
    Node a = new Node("a", members, leases);
    a.balancer.evaluate();
    now += SETTLE.toNanos() - S;
    members.live.add("c");
    a.balancer.evaluate();
    now += S;
    a.balancer.evaluate();
    assertThat(a.released).as("the view changed 1 s ago").isEmpty();
    now += SETTLE.toNanos();
    a.balancer.evaluate();
    assertThat(a.released).hasSize(2); // quota of 4 over 3 members: 2 for a
  }

  @Test
  void aBalancedGroupNeverMoves() {
    FakeMembers members = new FakeMembers("a", "b", "c");
    Map<String, String> leases = new TreeMap<>(Map.of("l1", "a", "l2", "a", "l3", "b", "l4", "c"));
    Node a = new Node("a", members, leases);
    for (int i = 0; i < 100; i++) {
      now += S;
      a.balancer.evaluate();
    }
    assertThat(a.released).isEmpty();
  }

  @Test
  void withoutAViewOfTheMembersItStepsAsideAndTheElectionsCompeteUnbalanced() {
    FakeMembers members = new FakeMembers("a", "b");
    members.available = false;
    Map<String, String> leases = leases(4, "a");
    Node a = new Node("a", members, leases);
    assertThat(a.balancer.evaluate()).isNull();
    now += 10 * SETTLE.toNanos();
    assertThat(a.balancer.evaluate()).isNull();
    assertThat(a.released).isEmpty();
    assertThat(a.holdBacks.values()).containsOnly(Duration.ZERO);
  }

  @Test
  void refusesNonPositiveTimings() {
    FakeMembers members = new FakeMembers();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LeadershipBalancer("a", members, List.of(),
        Duration.ZERO, SETTLE, () -> now)).hasMessageContaining("holdBack");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LeadershipBalancer("a", members, List.of(),
        HOLD_BACK, Duration.ofSeconds(-1), () -> now)).hasMessageContaining("settle");
  }

  // --- a group of balancers on simulated leases -----------------------------------------------

  @Test
  void fiveInstancesStartingTogetherOnTwelveLeasesEachLeadTwoOrThreeWithoutAMove() {
    Group g = new Group(12, 1);
    for (String id : List.of("a", "b", "c", "d", "e")) {
      g.join(id);
    }
    g.runFor(30 * S);
    assertThat(g.counts().values()).allMatch(c -> c == 2 || c == 3);
    assertThat(g.moves).isZero();
  }

  @Test
  void anInstanceThatLeavesHasOnlyItsLeasesMovedAndOneThatComesBackGetsItsShareWithTheFewestMoves() {
    Random seeds = new Random(20261202);
    for (int t = 0; t < 50; t++) {
      int trial = t;
      Group g = new Group(12, seeds.nextLong());
      for (String id : List.of("a", "b", "c", "d", "e")) {
        g.join(id);
      }
      g.runFor(30 * S);
      Map<String, String> before = new TreeMap<>(g.leases);
      String leaving = "abcde".substring(trial % 5, trial % 5 + 1);
      boolean crash = trial % 2 == 0;
      g.leave(leaving, crash);
      g.runFor(40 * S);
      assertThat(g.counts().values()).as("trial %d after %s left", trial, leaving).allMatch(c -> c == 3);
      before.forEach((lease, holder) -> {
        if (!holder.equals(leaving)) {
          assertThat(g.leases.get(lease)).as("trial %d: %s stays with %s", trial, lease, holder).isEqualTo(holder);
        }
      });
      assertThat(g.moves).as("trial %d: no graceful move while one left", trial).isZero();

      g.join(leaving);
      g.runFor(60 * S);
      Map<String, Integer> counts = g.counts();
      assertThat(counts.values()).as("trial %d after %s came back: %s", trial, leaving, counts)
          .allMatch(c -> c == 2 || c == 3);
      assertThat(g.moves).as("trial %d: the moves to give %s its share", trial, leaving).isEqualTo(2);
      long movesThen = g.moves;
      g.runFor(120 * S);
      assertThat(g.moves).as("trial %d: no flapping once balanced", trial).isEqualTo(movesThen);
    }
  }

  @Test
  void randomJoinsAndLeavesAlwaysEndBalancedAndEveryLeaseLed() {
    Random rnd = new Random(7);
    for (int trial = 0; trial < 30; trial++) {
      int leaseCount = 1 + rnd.nextInt(20);
      Group g = new Group(leaseCount, rnd.nextLong());
      List<String> ids = List.of("a", "b", "c", "d", "e", "f");
      g.join("a");
      for (int step = 0; step < 8; step++) {
        String id = ids.get(rnd.nextInt(ids.size()));
        if (g.nodes.containsKey(id) && g.nodes.size() > 1) {
          g.leave(id, rnd.nextBoolean());
        } else if (!g.nodes.containsKey(id)) {
          g.join(id);
        }
        g.runFor((long) (rnd.nextDouble() * 20 * S));
      }
      g.runFor(90 * S);
      Map<String, Integer> counts = g.counts();
      int base = leaseCount / g.nodes.size();
      assertThat(counts.values()).as("trial %d: %s", trial, counts).allMatch(c -> c == base || c == base + 1);
      assertThat(g.leases.values()).as("trial %d: every lease led by a live instance", trial)
          .allMatch(g.nodes::containsKey);
    }
  }

  // --- fakes --------------------------------------------------------------------------------

  static Map<String, String> leases(int n, String holder) {
    Map<String, String> leases = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      leases.put("lease-" + i, holder);
    }
    return leases;
  }

  static final class FakeMembers implements Members {
    final Set<String> live = new TreeSet<>();
    boolean available = true;

    FakeMembers(String... ids) {
      live.addAll(List.of(ids));
    }

    @Override
    public Set<String> live() {
      return new TreeSet<>(live);
    }

    @Override
    public boolean available() {
      return available;
    }
  }

  /** One instance: its balancer over fake elections that read and write {@code leases}. */
  class Node {
    final String id;
    final Map<String, Duration> holdBacks = new HashMap<>();
    final List<String> released = new ArrayList<>();
    final Map<String, Long> releasedAt = new HashMap<>();
    final LeadershipBalancer balancer;

    Node(String id, Members members, Map<String, String> leases) {
      this.id = id;
      List<BalancedElection> elections = new ArrayList<>();
      for (String lease : leases.keySet()) {
        elections.add(new BalancedElection() {
          @Override
          public String lease() {
            return lease;
          }

          @Override
          public Optional<String> holder() {
            String h = leases.get(lease);
            return h.isEmpty() ? Optional.empty() : Optional.of(h);
          }

          @Override
          public void holdBack(Duration holdBack) {
            holdBacks.put(lease, holdBack);
          }

          @Override
          public void release() {
            released.add(lease);
            releasedAt.put(lease, now);
            if (leases.get(lease).equals(id)) {
              leases.put(lease, "");
              onRelease(lease);
            }
          }
        });
      }
      balancer = new LeadershipBalancer(id, members, elections, HOLD_BACK, SETTLE, () -> now);
    }

    void onRelease(String lease) {}
  }

  /**
   * Instances on shared leases, stepped every 100 ms: each balancer plans, then each free lease
   * goes to the candidate whose hold-back ran out first (ties broken at random), never to one in
   * its cool-down after releasing it. A crashed instance's leases become free after the expiry.
   */
  final class Group {
    final Map<String, String> leases;
    final Map<String, Node> nodes = new LinkedHashMap<>();
    final FakeMembers members = new FakeMembers();
    final Map<String, Long> freeSince = new HashMap<>();
    final Map<String, Long> expiresAt = new HashMap<>();
    final Random rnd;
    long moves;

    Group(int leaseCount, long seed) {
      leases = leases(leaseCount, "");
      leases.keySet().forEach(l -> freeSince.put(l, now));
      rnd = new Random(seed);
    }

    void join(String id) {
      Node n = new Node(id, members, leases) {
        @Override
        void onRelease(String lease) {
          moves++;
          freeSince.put(lease, now);
        }
      };
      n.balancer.start(Duration.ofDays(1)); // rounds are driven below; start applies the initial hold-back
      nodes.put(id, n);
      members.live.add(id);
    }

    void leave(String id, boolean crash) {
      Node n = nodes.remove(id);
      n.balancer.close();
      members.live.remove(id);
      leases.forEach((lease, holder) -> {
        if (holder.equals(id)) {
          if (crash) {
            expiresAt.put(lease, now + EXPIRY);
          } else {
            leases.put(lease, ""); // released on shutdown
            freeSince.put(lease, now);
          }
        }
      });
    }

    void runFor(long nanos) {
      long end = now + nanos;
      while (now < end) {
        now += 100 * MS;
        new ArrayList<>(expiresAt.entrySet()).forEach(e -> {
          if (now >= e.getValue()) {
            expiresAt.remove(e.getKey());
            if (!nodes.containsKey(leases.get(e.getKey()))) {
              leases.put(e.getKey(), "");
              freeSince.put(e.getKey(), now - EXPIRY); // free since the expiry, as a follower judges it
            }
          }
        });
        nodes.values().forEach(n -> n.balancer.evaluate());
        for (String lease : leases.keySet()) {
          if (!leases.get(lease).isEmpty()) {
            continue;
          }
          Node winner = null;
          long best = Long.MAX_VALUE;
          List<Node> shuffled = new ArrayList<>(nodes.values());
          java.util.Collections.shuffle(shuffled, rnd);
          for (Node n : shuffled) {
            long readyAt = freeSince.get(lease) + n.holdBacks.getOrDefault(lease, Duration.ZERO).toNanos();
            Long released = n.releasedAt.get(lease);
            if (released != null) {
              readyAt = Math.max(readyAt, released + COOLDOWN);
            }
            if (readyAt <= now && readyAt < best) {
              best = readyAt;
              winner = n;
            }
          }
          if (winner != null) {
            leases.put(lease, winner.id);
          }
        }
      }
    }

    Map<String, Integer> counts() {
      Map<String, Integer> counts = new TreeMap<>();
      nodes.keySet().forEach(id -> counts.put(id, 0));
      leases.values().forEach(h -> counts.computeIfPresent(h, (k, v) -> v + 1));
      return counts;
    }
  }
}
