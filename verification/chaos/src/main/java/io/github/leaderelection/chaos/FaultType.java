package io.github.leaderelection.chaos;

/** The faults the injector knows, with their share of the mix (weights, same for CI and soak). */
public enum FaultType {
  /** Resets every open connection of one process once (RST). */
  PROXY_RESET(9, Target.PROCESS),
  /** Black-holes one process's connections for less than the renew deadline. */
  PROXY_STALL(9, Target.PROCESS),
  /** Black-holes the leader's connections for longer than the renew deadline. */
  PROXY_STALL_BEYOND_RD(4, Target.PROCESS),
  /** Resets one process's connections and refuses new ones for a while. */
  PROXY_CUT_OFF(5, Target.PROCESS),
  /** Delays every chunk of one process's traffic, below the renew deadline. */
  PROXY_LATENCY(5, Target.PROCESS),
  /** Delays every chunk of the leader's traffic by more than the renew deadline. */
  PROXY_LATENCY_BEYOND_RD(4, Target.PROCESS),
  /** SIGSTOP for less than the renew deadline, then SIGCONT. */
  SIGSTOP_SHORT(8, Target.PROCESS),
  /** SIGSTOP for longer than the lease duration, then SIGCONT. */
  SIGSTOP_BEYOND_LD(6, Target.PROCESS),
  /** SIGKILL; a fresh candidate with a new identity (and wall-clock offset) takes the slot. */
  SIGKILL(7, Target.PROCESS),
  /** Graceful stop (stdin closed: the elector releases), then a fresh candidate. */
  GRACEFUL_RESTART(4, Target.PROCESS),
  /**
   * kube-apiserver stopped (SIGTERM), down for a moment, started again. Rare: its graceful stop
   * alone takes up to 10 s.
   */
  APISERVER_RESTART(1, Target.GLOBAL),
  /** etcd killed, down for a moment, started again. */
  ETCD_RESTART(3, Target.GLOBAL),
  /** The Lease replaced by one whose spec fields are all null (client-java style). */
  LEASE_NULL_SPEC(4, Target.LEASE),
  /** The Lease's holder set to "" by someone else (client-go's release, done by a stranger). */
  LEASE_EMPTY_HOLDER(3, Target.LEASE),
  /** A foreign holder with the normal lease duration that never renews. */
  LEASE_FOREIGN_HOLDER(4, Target.LEASE),
  /** A foreign holder with leaseDurationSeconds 3600, released by the admin after a while. */
  LEASE_FOREIGN_3600(3, Target.LEASE),
  /** The Lease deleted. */
  LEASE_DELETE(5, Target.LEASE),
  /**
   * The leader frozen (SIGSTOP beyond LD); while it is frozen the Lease is deleted and a
   * follower is replaced by a fresh process that never saw the old record.
   */
  LEASE_DELETE_WHILE_LEADER_FROZEN(2, Target.PROCESS),
  /**
   * The leader is told to step down (stdin {@code STEP_DOWN}) while its lost-listener blocks
   * longer than its step-down cool-down (stdin {@code SLOW_LOST}), sometimes past the lease's
   * expiry or the shutdown timeout (rules 22, 23).
   */
  STEP_DOWN_SLOW_LISTENERS(3, Target.PROCESS),
  /**
   * The leader's next lost-listener blocks longer than its shutdown timeout, then it gets
   * SIGTERM: it must leave the lease to expire, not release it (rule 23); a fresh candidate
   * takes the slot.
   */
  LOST_LISTENER_OUTLIVES_SHUTDOWN_TIMEOUT(2, Target.PROCESS),
  /**
   * For a while every Lease one process reads (answers and watch events) carries
   * {@code spec.futureField}, unknown to the client models (rule 25), injected by its plain-HTTP hop.
   */
  UNKNOWN_LEASE_FIELD(3, Target.PROCESS),
  /**
   * The candidates' Role loses the verb {@code watch}; connections are reset so every watch is
   * refused; the leader steps down and is held frozen, so a polling follower must take over
   * within 1.5 x RP (rule 7). The verb is given back afterwards.
   */
  ROLE_WITHOUT_WATCH(2, Target.GLOBAL);

  /** What a fault acts on. */
  public enum Target { PROCESS, GLOBAL, LEASE }

  private final int weight;
  private final Target target;

  FaultType(int weight, Target target) {
    this.weight = weight;
    this.target = target;
  }

  public int weight() {
    return weight;
  }

  public Target target() {
    return target;
  }

  /** Lease edits that make the lease free at once while someone may still act on it. */
  public boolean clearsHolder() {
    return this == LEASE_NULL_SPEC || this == LEASE_EMPTY_HOLDER || this == LEASE_FOREIGN_3600;
  }

  /** Faults that delete the lease. */
  public boolean deletesLease() {
    return this == LEASE_DELETE || this == LEASE_DELETE_WHILE_LEADER_FROZEN;
  }
}
