package io.github.leaderelection.core.balance;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Who should lead how many of a group of leases, and which leases move, computed from what
 * every member sees alike: the live members and each lease's holder. A pure function of those
 * two inputs, so members with the same view compute the same plan and agree on who gives a
 * lease up and who takes it, without talking to each other. Immutable.
 *
 * <p>With L leases and N members, each member's quota is L/N, and the L mod N members that hold
 * the most now (then by identity) get one more; so a member is above its quota only when the
 * counts differ by more than one, and a balanced group plans no move at all. A member above its
 * quota releases the surplus (the leases last by name). The leases to place, the surplus and
 * every lease no live member holds, go in name order to the members below their quota, in
 * identity order.
 */
public final class BalancePlan {

  private final Map<String, Integer> quotas;
  private final Map<String, Integer> counts;
  private final Map<String, String> receivers;
  private final Map<String, List<String>> surplus;
  private final int unplaced;

  private BalancePlan(Map<String, Integer> quotas, Map<String, Integer> counts, Map<String, String> receivers,
      Map<String, List<String>> surplus, int unplaced) {
    this.quotas = quotas;
    this.counts = counts;
    this.receivers = receivers;
    this.surplus = surplus;
    this.unplaced = unplaced;
  }

  /**
   * The plan for {@code members} (identities) and {@code holders} (each lease's holder, "" for
   * none). A holder that is not a member counts as none: its lease is to be placed.
   */
  public static BalancePlan of(Collection<String> members, Map<String, String> holders) {
    Objects.requireNonNull(members, "members");
    Objects.requireNonNull(holders, "holders");
    TreeSet<String> live = new TreeSet<>(members);
    TreeMap<String, String> byLease = new TreeMap<>(holders);
    if (live.isEmpty()) {
      return new BalancePlan(Map.of(), Map.of(), Map.of(), Map.of(), byLease.size());
    }
    Map<String, List<String>> held = new HashMap<>();
    live.forEach(m -> held.put(m, new ArrayList<>()));
    List<String> toPlace = new ArrayList<>();
    byLease.forEach((lease, holder) -> {
      List<String> of = holder == null ? null : held.get(holder);
      if (of != null) {
        of.add(lease); // in name order
      } else {
        toPlace.add(lease);
      }
    });
    int unplaced = toPlace.size();

    int n = live.size();
    int base = byLease.size() / n;
    int extra = byLease.size() % n;
    List<String> ranked = new ArrayList<>(live);
    ranked.sort(Comparator.<String>comparingInt(m -> -held.get(m).size()).thenComparing(Comparator.naturalOrder()));
    Map<String, Integer> quotas = new HashMap<>();
    for (int i = 0; i < ranked.size(); i++) {
      quotas.put(ranked.get(i), base + (i < extra ? 1 : 0));
    }

    Map<String, Integer> counts = new HashMap<>();
    Map<String, List<String>> surplus = new HashMap<>();
    for (String m : live) {
      List<String> own = held.get(m);
      counts.put(m, own.size());
      int over = own.size() - quotas.get(m);
      if (over > 0) {
        List<String> release = List.copyOf(own.subList(own.size() - over, own.size()));
        surplus.put(m, release);
        toPlace.addAll(release);
      }
    }
    toPlace.sort(Comparator.naturalOrder());

    Map<String, String> receivers = new HashMap<>();
    int next = 0;
    for (String m : live) {
      for (int slot = counts.get(m); slot < quotas.get(m) && next < toPlace.size(); slot++) {
        receivers.put(toPlace.get(next++), m);
      }
    }
    return new BalancePlan(Map.copyOf(quotas), Map.copyOf(counts), Map.copyOf(receivers), Map.copyOf(surplus),
        unplaced);
  }

  /** How many leases {@code member} should lead; 0 for a non-member. */
  public int quota(String member) {
    return quotas.getOrDefault(member, 0);
  }

  /** How many leases {@code member} leads now; 0 for a non-member. */
  public int count(String member) {
    return counts.getOrDefault(member, 0);
  }

  /** The leases {@code member} should release: those above its quota, last by name first. */
  public List<String> releasesFor(String member) {
    return surplus.getOrDefault(member, List.of());
  }

  /** Whether some member should release a lease. */
  public boolean movesPlanned() {
    return !surplus.isEmpty();
  }

  /** The member that should take {@code lease} when it is free; empty when it stays where it is. */
  public Optional<String> receiverOf(String lease) {
    return Optional.ofNullable(receivers.get(lease));
  }

  /** How many leases no live member holds now (released, expired with their holder, or never taken). */
  public int unplaced() {
    return unplaced;
  }

  /** The members, in identity order. */
  public Set<String> members() {
    return new TreeSet<>(quotas.keySet());
  }

  /** The largest minus the smallest count among the members; 0 without members. */
  public int imbalance() {
    if (counts.isEmpty()) {
      return 0;
    }
    int max = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    int min = counts.values().stream().mapToInt(Integer::intValue).min().orElse(0);
    return max - min;
  }

  @Override
  public String toString() {
    return "BalancePlan" + new TreeMap<>(counts) + " quotas " + new TreeMap<>(quotas) + " releases "
        + new TreeMap<>(surplus);
  }
}
