package io.github.leaderelection.core.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The plan's properties over random groups (seeded, 20,000 cases), and the cases named in the
 * contract: balanced groups never move, a move happens only when counts differ by more than one,
 * one round of moves is enough, and it is the fewest moves that balance the group.
 */
class BalancePlanTest {

  static final int CASES = 20_000;

  @Test
  void twelveLeasesOnFiveMembersSettleAtTwoOrThree() {
    Map<String, String> holders = holders(12, i -> "a");
    BalancePlan plan = BalancePlan.of(List.of("a", "b", "c", "d", "e"), holders);
    assertThat(plan.quota("a")).isEqualTo(3);
    assertThat(List.of(plan.quota("b"), plan.quota("c"), plan.quota("d"), plan.quota("e"))).containsExactly(3, 2, 2, 2);
    // It keeps the first three by name and gives up the rest, which go to b, c, d, e in turn.
    assertThat(plan.releasesFor("a")).containsExactly("lease-03", "lease-04", "lease-05", "lease-06",
        "lease-07", "lease-08", "lease-09", "lease-10", "lease-11");
    assertThat(plan.receiverOf("lease-03")).contains("b");
    assertThat(plan.receiverOf("lease-05")).contains("b");
    assertThat(plan.receiverOf("lease-06")).contains("c");
    assertThat(plan.receiverOf("lease-11")).contains("e");
    assertThat(plan.receiverOf("lease-00")).isEmpty();
  }

  @Test
  void aBalancedGroupPlansNoMove() {
    // 3,3,2,2,2: differ by one at most.
    Map<String, String> holders = new TreeMap<>();
    String[] owners = {"a", "a", "a", "b", "b", "b", "c", "c", "d", "d", "e", "e"};
    for (int i = 0; i < owners.length; i++) {
      holders.put(lease(i), owners[i]);
    }
    BalancePlan plan = BalancePlan.of(List.of("e", "d", "c", "b", "a"), holders);
    assertThat(plan.movesPlanned()).isFalse();
    assertThat(plan.imbalance()).isEqualTo(1);
    holders.keySet().forEach(l -> assertThat(plan.receiverOf(l)).isEmpty());
  }

  @Test
  void aMemberThatLeftHasItsLeasesPlacedOnTheOthersBelowTheirQuota() {
    Map<String, String> holders = new TreeMap<>();
    String[] owners = {"a", "a", "a", "b", "b", "b", "c", "c", "d", "d", "e", "e"};
    for (int i = 0; i < owners.length; i++) {
      holders.put(lease(i), owners[i]);
    }
    BalancePlan plan = BalancePlan.of(List.of("a", "b", "c", "d"), holders); // e left
    assertThat(plan.unplaced()).isEqualTo(2);
    assertThat(plan.movesPlanned()).isFalse(); // 3,3,2,2 + 2 to place: no one gives anything up
    assertThat(plan.receiverOf(lease(10))).contains("c");
    assertThat(plan.receiverOf(lease(11))).contains("d");
    assertThat(plan.receiverOf(lease(0))).isEmpty();
  }

  @Test
  void aLeaseHeldByANonMemberIsToBePlaced() {
    BalancePlan plan = BalancePlan.of(List.of("a", "b"), Map.of("x", "ghost", "y", "", "z", "a"));
    assertThat(plan.unplaced()).isEqualTo(2);
    assertThat(plan.receiverOf("x")).isPresent();
    assertThat(plan.receiverOf("y")).isPresent();
    assertThat(plan.receiverOf("z")).isEmpty();
  }

  @Test
  void noMembersMeansNoPlan() {
    BalancePlan plan = BalancePlan.of(List.of(), Map.of("x", "a"));
    assertThat(plan.movesPlanned()).isFalse();
    assertThat(plan.receiverOf("x")).isEmpty();
    assertThat(plan.quota("a")).isZero();
  }

  @Test
  void quotasAddUpToTheLeasesAndDifferByOneAtMost() {
    Random rnd = new Random(1);
    for (int c = 0; c < CASES; c++) {
      Group g = Group.random(rnd);
      BalancePlan plan = BalancePlan.of(g.members, g.holders);
      int sum = g.members.stream().mapToInt(plan::quota).sum();
      int max = g.members.stream().mapToInt(plan::quota).max().orElse(0);
      int min = g.members.stream().mapToInt(plan::quota).min().orElse(0);
      assertThat(sum).as("%s", g).isEqualTo(g.holders.size());
      assertThat(max - min).as("%s", g).isLessThanOrEqualTo(1);
    }
  }

  @Test
  void aMoveIsPlannedOnlyWhenCountsDifferByMoreThanOne() {
    Random rnd = new Random(2);
    for (int c = 0; c < CASES; c++) {
      Group g = Group.random(rnd);
      BalancePlan plan = BalancePlan.of(g.members, g.holders);
      if (plan.movesPlanned()) {
        assertThat(plan.imbalance()).as("%s -> %s", g, plan).isGreaterThan(1);
      }
      if (plan.imbalance() <= 1) {
        assertThat(plan.movesPlanned()).as("%s -> %s", g, plan).isFalse();
      }
    }
  }

  @Test
  void onlySurplusAndUnplacedLeasesGetAReceiverAndEachReceiverStaysWithinItsQuota() {
    Random rnd = new Random(3);
    for (int c = 0; c < CASES; c++) {
      Group g = Group.random(rnd);
      BalancePlan plan = BalancePlan.of(g.members, g.holders);
      Map<String, Integer> incoming = new HashMap<>();
      for (Map.Entry<String, String> e : g.holders.entrySet()) {
        String holder = e.getValue();
        boolean member = g.members.contains(holder);
        boolean surplus = member && plan.releasesFor(holder).contains(e.getKey());
        if (member && !surplus) {
          assertThat(plan.receiverOf(e.getKey())).as("kept lease %s in %s", e.getKey(), g).isEmpty();
        } else {
          assertThat(plan.receiverOf(e.getKey())).as("lease %s to place in %s", e.getKey(), g).isPresent();
          plan.receiverOf(e.getKey()).ifPresent(r -> incoming.merge(r, 1, Integer::sum));
        }
      }
      for (String m : g.members) {
        int after = plan.count(m) - plan.releasesFor(m).size() + incoming.getOrDefault(m, 0);
        assertThat(after).as("%s after the plan in %s", m, g).isEqualTo(plan.quota(m));
      }
    }
  }

  @Test
  void oneRoundOfMovesBalancesTheGroupAndTheNextPlanIsQuiet() {
    Random rnd = new Random(4);
    for (int c = 0; c < CASES; c++) {
      Group g = Group.random(rnd);
      BalancePlan plan = BalancePlan.of(g.members, g.holders);
      Map<String, String> after = new TreeMap<>(g.holders);
      after.replaceAll((lease, holder) -> plan.receiverOf(lease).orElse(holder));
      BalancePlan next = BalancePlan.of(g.members, after);
      assertThat(next.movesPlanned()).as("%s -> %s -> %s", g, plan, next).isFalse();
      assertThat(next.unplaced()).isZero();
      assertThat(next.imbalance()).isLessThanOrEqualTo(1);
    }
  }

  @Test
  void thePlannedMovesAreTheFewestThatBalanceTheGroup() {
    Random rnd = new Random(5);
    for (int c = 0; c < CASES / 4; c++) {
      Group g = Group.random(rnd);
      BalancePlan plan = BalancePlan.of(g.members, g.holders);
      int planned = g.members.stream().mapToInt(m -> plan.releasesFor(m).size()).sum();
      assertThat(planned).as("%s -> %s", g, plan).isEqualTo(fewestMoves(g));
    }
  }

  @Test
  void thePlanDoesNotDependOnTheOrderOfItsInputs() {
    Random rnd = new Random(6);
    for (int c = 0; c < CASES / 4; c++) {
      Group g = Group.random(rnd);
      List<String> shuffled = new ArrayList<>(g.members);
      java.util.Collections.shuffle(shuffled, rnd);
      List<String> leases = new ArrayList<>(g.holders.keySet());
      java.util.Collections.shuffle(leases, rnd);
      Map<String, String> reordered = new LinkedHashMap<>();
      leases.forEach(l -> reordered.put(l, g.holders.get(l)));
      assertThat(BalancePlan.of(shuffled, reordered).toString()).isEqualTo(BalancePlan.of(g.members, g.holders).toString());
    }
  }

  /**
   * Brute force: over every choice of which members get the extra lease, the fewest leases that
   * members must give up.
   */
  static int fewestMoves(Group g) {
    List<String> members = new ArrayList<>(g.members);
    int n = members.size();
    int leases = g.holders.size();
    int base = leases / n;
    int extra = leases % n;
    int best = Integer.MAX_VALUE;
    for (int mask = 0; mask < 1 << n; mask++) {
      if (Integer.bitCount(mask) != extra) {
        continue;
      }
      int moves = 0;
      for (int i = 0; i < n; i++) {
        String m = members.get(i);
        long count = g.holders.values().stream().filter(m::equals).count();
        int quota = base + ((mask >> i & 1) == 1 ? 1 : 0);
        moves += (int) Math.max(0, count - quota);
      }
      best = Math.min(best, moves);
    }
    return best;
  }

  record Group(List<String> members, Map<String, String> holders) {
    static Group random(Random rnd) {
      int n = 1 + rnd.nextInt(6);
      List<String> members = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        members.add("pod-" + (char) ('a' + i));
      }
      int l = rnd.nextInt(25);
      Map<String, String> holders = new TreeMap<>();
      boolean skewed = rnd.nextBoolean();
      for (int i = 0; i < l; i++) {
        int pick = rnd.nextInt(10);
        String holder = pick == 0 ? "" : pick == 1 ? "gone-pod"
            : members.get(skewed ? Math.min(rnd.nextInt(n), rnd.nextInt(n)) : rnd.nextInt(n));
        holders.put(lease(i), holder);
      }
      return new Group(Set.copyOf(members).stream().sorted().toList(), holders);
    }
  }

  static String lease(int i) {
    return String.format("lease-%02d", i);
  }

  static Map<String, String> holders(int count, java.util.function.IntFunction<String> holder) {
    Map<String, String> holders = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      holders.put(lease(i), holder.apply(i));
    }
    return holders;
  }
}
