package io.github.leaderelection.core.balance;

import io.github.leaderelection.core.LeaseRecord;
import io.github.leaderelection.core.VersionedLease;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The member Leases of a balancing group as this instance has seen them, judged on its own
 * monotonic clock only (rule 1): a member is live while its record was seen to change within its
 * lease duration; the renewTime it writes is never compared with our clock. Immutable.
 */
final class MemberTable {

  /** One member Lease: as last seen, and when this instance saw its record first. */
  record Entry(VersionedLease lease, long changedAt) {
    LeaseRecord record() {
      return lease.record();
    }

    boolean liveAt(long now) {
      return record().isHeld() && now - changedAt < record().durationSeconds() * 1_000_000_000L;
    }
  }

  private final Map<String, Entry> entries;

  private MemberTable(Map<String, Entry> entries) {
    this.entries = entries;
  }

  static MemberTable empty() {
    return new MemberTable(Map.of());
  }

  /** The table after seeing {@code leases} (every member Lease there is) at {@code now}. */
  MemberTable seen(Map<String, VersionedLease> leases, long now) {
    Map<String, Entry> next = new HashMap<>();
    leases.forEach((name, lease) -> {
      Entry before = entries.get(name);
      boolean changed = before == null || lease.record().differsFrom(before.record());
      next.put(name, new Entry(lease, changed ? now : before.changedAt()));
    });
    return new MemberTable(Map.copyOf(next));
  }

  /** The identities of the members live at {@code now}. */
  Set<String> live(long now) {
    Set<String> live = new TreeSet<>();
    entries.values().forEach(e -> {
      if (e.liveAt(now)) {
        live.add(e.record().holder());
      }
    });
    return live;
  }

  /**
   * The member Leases whose record has not changed for {@code idleNanos} and that are not live:
   * left behind by an instance that crashed; safe to delete.
   */
  Map<String, VersionedLease> abandoned(long now, long idleNanos) {
    Map<String, VersionedLease> out = new java.util.TreeMap<>();
    entries.forEach((name, e) -> {
      if (!e.liveAt(now) && now - e.changedAt() >= idleNanos) {
        out.put(name, e.lease());
      }
    });
    return out;
  }
}
