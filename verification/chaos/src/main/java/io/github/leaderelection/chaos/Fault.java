package io.github.leaderelection.chaos;

import java.util.ArrayList;
import java.util.List;

/**
 * One injected fault, as logged by the injector. Times are monotonic nanos.
 */
public final class Fault {

  /** A lease write made by the admin as part of a fault. */
  public record LeaseEdit(String what, long sentAt, long ackAt, String holderBefore) {

    /** Whether the write left the lease free (holder null or ""). */
    public boolean clearsHolder() {
      return what.startsWith("null spec") || what.startsWith("holder \"\"");
    }

    /** Whether it deleted the lease. */
    public boolean deletes() {
      return what.startsWith("delete");
    }
  }

  /** A SIGSTOP..SIGCONT window of one process. */
  public record Freeze(String identity, long stoppedAt, long continuedAt) {}

  private final int id;
  private final FaultType type;
  private final long startedAt;
  private String target = "-";
  private boolean targetWasLeader;
  private String leaderAtStart = "-";
  private String detail = "";
  private long healedAt = Long.MIN_VALUE;
  private long boundNanos;
  private long recoveredAt = Long.MIN_VALUE;
  private boolean recoveryNeededWrite;
  private final List<LeaseEdit> edits = new ArrayList<>();
  private final List<Freeze> freezes = new ArrayList<>();
  private final List<String> spawned = new ArrayList<>();
  private long injected = -1;
  // Several leases (ChaosRunner#multiLease): the lease the fault was aimed at, each lease's
  // holder at the start, and each lease's own liveness figures.
  private String lease;
  private final java.util.Map<String, String> leadersAtStart = new java.util.HashMap<>();
  private final java.util.Map<String, long[]> leaseRecovery = new java.util.HashMap<>();

  Fault(int id, FaultType type, long startedAt) {
    this.id = id;
    this.type = type;
    this.startedAt = startedAt;
  }

  public int id() {
    return id;
  }

  public FaultType type() {
    return type;
  }

  public long startedAt() {
    return startedAt;
  }

  public String target() {
    return target;
  }

  Fault target(String target, boolean wasLeader) {
    this.target = target;
    this.targetWasLeader = wasLeader;
    return this;
  }

  public boolean targetWasLeader() {
    return targetWasLeader;
  }

  public String leaderAtStart() {
    return leaderAtStart;
  }

  Fault leaderAtStart(String leader) {
    this.leaderAtStart = leader == null ? "-" : leader;
    return this;
  }

  public String detail() {
    return detail;
  }

  Fault detail(String detail) {
    this.detail = detail;
    return this;
  }

  public long healedAt() {
    return healedAt;
  }

  void healedAt(long nanos) {
    this.healedAt = nanos;
  }

  /** The liveness bound counted from {@link #healedAt()}. */
  public long boundNanos() {
    return boundNanos;
  }

  void boundNanos(long nanos) {
    this.boundNanos = nanos;
  }

  /** When an acting leader was confirmed after the heal; MIN_VALUE if never. */
  public long recoveredAt() {
    return recoveredAt;
  }

  void recoveredAt(long nanos, boolean neededWrite) {
    this.recoveredAt = nanos;
    this.recoveryNeededWrite = neededWrite;
  }

  public boolean recoveryNeededWrite() {
    return recoveryNeededWrite;
  }

  /** Heal to recovery, or -1 when it never recovered. */
  public long recoveryNanos() {
    return recoveredAt == Long.MIN_VALUE ? -1 : Math.max(0, recoveredAt - healedAt);
  }

  public List<LeaseEdit> edits() {
    return edits;
  }

  void edit(LeaseEdit edit) {
    edits.add(edit);
  }

  public List<Freeze> freezes() {
    return freezes;
  }

  void freeze(Freeze freeze) {
    freezes.add(freeze);
  }

  /** Identities of the fresh candidates this fault started. */
  public List<String> spawned() {
    return spawned;
  }

  void spawned(String identity) {
    spawned.add(identity);
  }

  /** UNKNOWN_LEASE_FIELD: how many Lease bodies got the unknown field; -1 for other faults. */
  public long injected() {
    return injected;
  }

  void injected(long count) {
    this.injected = count;
  }

  /** The lease a multi-lease fault was aimed at (lease edits act on it alone); null with one lease. */
  public String lease() {
    return lease;
  }

  void lease(String lease) {
    this.lease = lease;
  }

  /** Who led {@code lease} when the fault started ({@code -} for nobody). */
  public String leaseLeaderAtStart(String lease) {
    return leadersAtStart.getOrDefault(lease, "-");
  }

  void leaseLeaderAtStart(String lease, String identity) {
    leadersAtStart.put(lease, identity == null ? "-" : identity);
  }

  /** {@code lease}'s liveness: its bound, when a leader was confirmed (MIN_VALUE: never), whether that needed a write. */
  void leaseRecovery(String lease, long bound, long recoveredAt, boolean neededWrite) {
    leaseRecovery.put(lease, new long[] {bound, recoveredAt, neededWrite ? 1 : 0});
  }

  /**
   * The fault as one lease of several saw it, for the checker of that lease: the same times,
   * freezes and spawned processes (they act on whole processes), that lease's holder at the start
   * and liveness figures, and the lease edits only if they were made to that lease.
   */
  public Fault forLease(String name) {
    Fault f = new Fault(id, type, startedAt);
    String leader = leaseLeaderAtStart(name);
    boolean processTarget = type.target() == FaultType.Target.PROCESS;
    f.target(target, processTarget ? target.equals(leader) : name.equals(lease) && targetWasLeader);
    f.leaderAtStart(leader);
    f.detail((lease == null ? "" : "[aimed at " + lease + "] ") + detail);
    f.healedAt(healedAt);
    long[] r = leaseRecovery.get(name);
    if (r != null) {
      f.boundNanos(r[0]);
      f.recoveredAt(r[1], r[2] == 1);
    } else {
      f.boundNanos(boundNanos);
      f.recoveredAt(recoveredAt, recoveryNeededWrite);
    }
    if (name.equals(lease)) {
      edits.forEach(f::edit);
    }
    freezes.forEach(f::freeze);
    spawned.forEach(f::spawned);
    f.injected(injected);
    f.lease(lease);
    return f;
  }

  @Override
  public String toString() {
    return "#" + id + " " + type + (lease == null ? "" : " lease=" + lease) + " target=" + target
        + (targetWasLeader ? " (leader)" : "")
        + (detail.isEmpty() ? "" : " " + detail);
  }
}
