package io.github.leaderelection.chaos;

import io.github.leaderelection.testsupport.TcpProxy;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs candidate JVMs against the API server, each through its own {@link TcpProxy}, and
 * injects faults one after the other, chosen by a seeded {@link Random}: after each one it
 * waits until a leader is confirmed again (the liveness check), then goes on. Everything the
 * candidates print and everything done to them is recorded for the {@link InvariantChecker}.
 *
 * <p>The fault sequence is fixed by the seed; which process is the leader when a fault comes
 * depends on timing, so a rerun with the same seed is the same experiment, not the same trace.
 */
public final class ChaosRunner {

  private static final long MS = 1_000_000L;
  /** How long to wait for a leader after a heal before going on anyway (a violation by then). */
  private static final long HARD_RECOVERY_CAP = TimeUnit.SECONDS.toNanos(30);
  /** Consecutive faults without any leader after which the run stops: the elector is stuck. */
  private static final int STUCK_AFTER = 3;

  private final ChaosConfig cfg;
  private final ChaosServer server;
  private final Random schedule;
  private Random random; // the current fault's own generator (see inject)
  private final Consumer<String> progress;
  private final List<CandidateLog> logs = new ArrayList<>();
  private final List<Fault> faults = new ArrayList<>();
  private CandidateProcess[] slots;
  private TcpProxy[] proxies;
  private PlainHttpHop[] hops;
  private Path[] kubeconfigs;
  private int[] generations;
  private String lease;
  private LeaseEditor editor;
  // Several leases per candidate (multiLease): 0 = the suite's single lease.
  private int leaseCount;
  private boolean balance;
  private List<String> leaseNames = List.of();
  private final java.util.Map<String, LeaseEditor> editors = new java.util.HashMap<>();
  private final java.util.Map<String, List<CandidateLog>> leaseLogs = new java.util.LinkedHashMap<>();
  /** The lease the current fault is aimed at (the single lease without multiLease). */
  private String focus;
  private java.util.Map<String, RunRecord> perLease = java.util.Map.of();
  private PrintWriter transcript;
  private PrintWriter faultLog;
  private int intruders;

  public ChaosRunner(ChaosConfig cfg, ChaosServer server, Consumer<String> progress) {
    this.cfg = cfg;
    this.server = server;
    this.schedule = new Random(cfg.seed());
    this.random = new Random(cfg.seed() ^ 0x5DEECE66DL);
    this.progress = progress;
  }

  /**
   * Every candidate runs {@code leases} elections ({@code --leases}, verification/candidates/PROTOCOL.md
   * "Several leases"), with {@code --balance true} when {@code balance}: each fault is aimed at one
   * lease drawn at random (its leader is the "leader" of the fault; lease edits and stdin commands
   * act on that lease alone; process, network and server faults hit every lease of their
   * process), and after each heal every lease must have a confirmed leader again. Check each
   * lease's record of {@link #perLease()}.
   */
  public ChaosRunner multiLease(int leases, boolean balance) {
    if (leases < 1) {
      throw new IllegalArgumentException("leases must be at least 1");
    }
    this.leaseCount = leases;
    this.balance = balance;
    return this;
  }

  /** After {@link #run()} with {@link #multiLease}: each lease's record, for the checker (by lease name). */
  public java.util.Map<String, RunRecord> perLease() {
    return perLease;
  }

  private boolean multi() {
    return leaseCount > 0;
  }

  /** A stdin command for the lease of the current fault. */
  private String command(String command) {
    return multi() ? "@" + focus + " " + command : command;
  }

  /** Runs the whole experiment and returns its record (the candidates are stopped by then). */
  public RunRecord run() throws InterruptedException {
    long wallStart = System.currentTimeMillis();
    long startedAt = System.nanoTime();
    Path dir = cfg.runDirectory();
    try {
      Files.createDirectories(dir);
      transcript = new PrintWriter(Files.newBufferedWriter(dir.resolve("transcript.txt"), StandardCharsets.UTF_8), true);
      faultLog = new PrintWriter(Files.newBufferedWriter(dir.resolve("faults.txt"), StandardCharsets.UTF_8), true);
    } catch (IOException e) {
      throw new UncheckedIOException("could not create the run directory " + dir, e);
    }
    lease = server.uniqueName("chaos-" + cfg.implementation());
    editor = new LeaseEditor(server.adminClient(), server.namespace(), lease);
    focus = lease;
    if (multi()) {
      List<String> names = new ArrayList<>();
      for (int i = 0; i < leaseCount; i++) {
        names.add(lease + "-" + i);
        editors.put(lease + "-" + i, new LeaseEditor(server.adminClient(), server.namespace(), lease + "-" + i));
        leaseLogs.put(lease + "-" + i, new ArrayList<>());
      }
      leaseNames = List.copyOf(names);
      focus = leaseNames.get(0);
    }
    int n = cfg.candidates();
    slots = new CandidateProcess[n];
    proxies = new TcpProxy[n];
    hops = new PlainHttpHop[n];
    kubeconfigs = new Path[n];
    generations = new int[n];
    Path template = server.writeCandidateKubeconfig(dir.resolve("kubeconfig-direct.yaml"));
    long firstLeaderAt;
    long faultsStartedAt;
    long endedAt;
    String aborted = null;
    try {
      String ca = cfg.httpHop() ? PlainHttpHop.caFromKubeconfig(Files.readString(template)) : null;
      for (int i = 0; i < n; i++) {
        if (cfg.httpHop()) {
          // candidate --http--> TcpProxy (connection faults) --> PlainHttpHop --TLS--> API server
          hops[i] = PlainHttpHop.start(server.url().getHost(), server.url().getPort(), ca);
          proxies[i] = TcpProxy.to("127.0.0.1", hops[i].port()).name("chaos-proxy").start();
        } else {
          proxies[i] = TcpProxy.to(server.url().getHost(), server.url().getPort()).name("chaos-proxy").start();
        }
        kubeconfigs[i] = rewriteServer(template, dir.resolve("kubeconfig-" + i + ".yaml"), proxies[i].port(),
            cfg.httpHop());
        spawn(i);
      }
      progress.accept("started " + n + " candidates of " + cfg.implementation() + " on lease " + lease
          + (multi() ? " (" + leaseCount + " leases " + leaseNames.get(0) + ".." + (balance ? ", balanced" : "") + ")" : "")
          + " (run directory " + dir + ")");
      firstLeaderAt = awaitLeader(TimeUnit.SECONDS.toNanos(120));
      faultsStartedAt = System.nanoTime();
      List<FaultType> types = plan();
      for (int id = 1; id <= cfg.faults(); id++) {
        // Each fault draws its parameters and choices from its own generator, seeded in order
        // from the run's seed: the plan does not shift when timing changes who is the leader.
        random = new Random(schedule.nextLong());
        if (multi()) {
          focus = leaseNames.get(random.nextInt(leaseCount));
        }
        Fault f = inject(id, types.get(id - 1));
        faults.add(f);
        faultLog.println(describe(f));
        if (stuck(faults)) {
          aborted = "stopped after fault #" + id + ": no leader within " + HARD_RECOVERY_CAP / 1_000_000_000
              + " s after each of the last " + STUCK_AFTER + " faults";
          progress.accept(aborted);
          break;
        }
        if (id % 25 == 0 || id == cfg.faults()) {
          progress.accept("fault " + id + "/" + cfg.faults() + " after "
              + (System.currentTimeMillis() - wallStart) / 1000 + " s; last: " + f);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      endedAt = System.nanoTime();
      stopAll();
      for (TcpProxy p : proxies) {
        if (p != null) {
          p.close();
        }
      }
      for (PlainHttpHop h : hops) {
        if (h != null) {
          h.close();
        }
      }
      transcript.flush();
      faultLog.flush();
    }
    transcript.close();
    faultLog.close();
    RunRecord record = new RunRecord(cfg, lease, startedAt, firstLeaderAt, faultsStartedAt, endedAt,
        System.currentTimeMillis() - wallStart, wallStart, List.copyOf(logs), List.copyOf(faults), dir, aborted);
    RunArchive.write(record);
    if (multi()) {
      java.util.Map<String, RunRecord> each = new java.util.LinkedHashMap<>();
      for (String name : leaseNames) {
        Path leaseDir = dir.resolve("leases").resolve(name);
        RunRecord r = new RunRecord(cfg, name, startedAt, firstLeaderAt, faultsStartedAt, endedAt, record.wallMillis(),
            wallStart, List.copyOf(leaseLogs.get(name)), faults.stream().map(f -> f.forLease(name)).toList(), leaseDir,
            aborted);
        writeLeaseArchive(r);
        each.put(name, r);
      }
      perLease = java.util.Collections.unmodifiableMap(each);
    }
    return record;
  }

  private static boolean stuck(List<Fault> faults) {
    if (faults.size() < STUCK_AFTER) {
      return false;
    }
    for (Fault f : faults.subList(faults.size() - STUCK_AFTER, faults.size())) {
      if (f.recoveredAt() != Long.MIN_VALUE) {
        return false;
      }
    }
    return true;
  }

  // --- faults ------------------------------------------------------------------------------

  /**
   * The fault types in order: every type once (in a seeded order), then weighted draws, so
   * even a short run covers the whole catalogue.
   */
  private List<FaultType> plan() {
    List<FaultType> all = new ArrayList<>(List.of(FaultType.values()));
    java.util.Collections.shuffle(all, schedule);
    all.removeAll(cfg.excluded());
    List<FaultType> plan = new ArrayList<>(all.subList(0, Math.min(all.size(), cfg.faults())));
    while (plan.size() < cfg.faults()) {
      plan.add(pick());
    }
    return plan;
  }

  private Fault inject(int id, FaultType type) throws InterruptedException {
    sleepMillis(random.nextInt(200)); // so faults land at every phase of the renew cycle
    long now = System.nanoTime();
    CandidateProcess leader = leaderNow(now);
    Fault f = new Fault(id, type, now).leaderAtStart(leader == null ? null : leader.log().identity());
    if (multi()) {
      f.lease(focus);
      for (String name : leaseNames) {
        CandidateProcess holder = leaderNow(name, now);
        f.leaseLeaderAtStart(name, holder == null ? null : holder.log().identity());
      }
    }
    long bound = cfg.ld() + cfg.rp() + cfg.recoverySlack().toNanos();
    switch (type) {
      case PROXY_RESET -> {
        CandidateProcess p = target(f, leader, 0.5);
        p.proxy().cutConnections();
        f.healedAt(System.nanoTime());
      }
      case PROXY_STALL -> proxyFault(f, target(f, leader, 0.5), between(cfg.rd() * 3 / 10, cfg.rd() * 65 / 100),
          TcpProxy::stall, "stall");
      case PROXY_STALL_BEYOND_RD -> proxyFault(f, target(f, leader, 0.8),
          between(cfg.rd() + 200 * MS, cfg.ld() + 500 * MS), TcpProxy::stall, "stall");
      case PROXY_CUT_OFF -> proxyFault(f, target(f, leader, 0.5), between(cfg.rd() * 3 / 10, cfg.ld()),
          TcpProxy::cutOff, "cut off");
      case PROXY_LATENCY -> {
        long latency = between(50 * MS, cfg.rd() / 4);
        proxyFault(f, target(f, leader, 0.5), between(1000 * MS, 2500 * MS),
            p -> p.latency(java.time.Duration.ofNanos(latency)), "latency " + latency / MS + " ms");
      }
      case PROXY_LATENCY_BEYOND_RD -> {
        long latency = between(cfg.rd() + 200 * MS, cfg.rd() + 1000 * MS);
        proxyFault(f, target(f, leader, 0.8), between(cfg.rd() + 500 * MS, cfg.ld() + 500 * MS),
            p -> p.latency(java.time.Duration.ofNanos(latency)), "latency " + latency / MS + " ms");
      }
      case SIGSTOP_SHORT -> freezeFor(f, target(f, leader, 0.5), between(200 * MS, cfg.rd() * 6 / 10));
      case SIGSTOP_BEYOND_LD -> freezeFor(f, target(f, leader, 0.8), between(cfg.ld() + 200 * MS, cfg.ld() + 1200 * MS));
      case SIGKILL -> {
        CandidateProcess p = target(f, leader, 0.7);
        p.kill();
        f.healedAt(System.nanoTime());
        f.spawned(spawn(p.log().slot()).log().identity());
      }
      case GRACEFUL_RESTART -> {
        CandidateProcess p = target(f, leader, 0.6);
        if (!p.stopGracefully(cfg.renewDeadline().toMillis() + 10_000)) {
          f.detail("did not stop within RD + 10 s; killed");
          p.kill();
        }
        f.healedAt(System.nanoTime());
        f.spawned(spawn(p.log().slot()).log().identity());
      }
      case APISERVER_RESTART -> {
        f.target("kube-apiserver", false);
        long down = between(200 * MS, 1500 * MS);
        long t0 = System.nanoTime();
        server.stopApiServer();
        long stopped = System.nanoTime();
        sleepNanos(down);
        server.startApiServer();
        f.healedAt(System.nanoTime());
        f.detail("stop took " + (stopped - t0) / MS + " ms, down " + down / MS + " ms, start took "
            + (f.healedAt() - stopped - down) / MS + " ms");
      }
      case ETCD_RESTART -> {
        f.target("etcd", false);
        long down = between(500 * MS, cfg.rd() + 500 * MS);
        server.stopEtcd();
        long stopped = System.nanoTime();
        sleepNanos(down);
        server.startEtcd();
        f.healedAt(System.nanoTime());
        f.detail("down " + down / MS + " ms, start took " + (f.healedAt() - stopped - down) / MS + " ms");
      }
      case LEASE_NULL_SPEC -> leaseEdit(f, leader, editor().nullSpec());
      case LEASE_EMPTY_HOLDER -> leaseEdit(f, leader, editor().emptyHolder(random.nextBoolean()));
      case LEASE_FOREIGN_HOLDER -> leaseEdit(f, leader,
          editor().foreignHolder("intruder-" + (++intruders), (int) cfg.leaseDuration().toSeconds()));
      case LEASE_FOREIGN_3600 -> {
        f.target("lease", leader != null);
        f.edit(editor().foreignHolder("intruder-" + (++intruders), 3600));
        long hold = between(1000 * MS, 2500 * MS);
        sleepNanos(hold);
        Fault.LeaseEdit release = editor().emptyHolder(true);
        f.edit(release);
        f.healedAt(release.ackAt());
        f.detail("held " + hold / MS + " ms, then released by the admin");
      }
      case LEASE_DELETE -> leaseEdit(f, leader, editor().delete());
      case LEASE_DELETE_WHILE_LEADER_FROZEN -> deleteWhileFrozen(f, leader);
      case STEP_DOWN_SLOW_LISTENERS -> stepDownSlowListeners(f, target(f, leader, 0.9));
      case LOST_LISTENER_OUTLIVES_SHUTDOWN_TIMEOUT -> slowListenerThenSigterm(f, target(f, leader, 0.9));
      case UNKNOWN_LEASE_FIELD -> unknownLeaseField(f, target(f, leader, 0.8));
      case ROLE_WITHOUT_WATCH -> {
        roleWithoutWatch(f, leader); // waits for its own, tighter recovery
        return f;
      }
      default -> throw new IllegalStateException("unknown fault " + type);
    }
    f.boundNanos(bound);
    boolean needWrite = f.targetWasLeader() || type.target() != FaultType.Target.PROCESS
        || type == FaultType.LEASE_DELETE_WHILE_LEADER_FROZEN;
    awaitRecovery(f, needWrite);
    return f;
  }

  // --- faults on the paths of rules 7, 22, 23 and 25 -------------------------------------------

  /**
   * SLOW_LOST (longer than the cool-down: from just past it to past the shutdown timeout, so
   * the drain ends before the lease expires, after it, or not in time at all), then STEP_DOWN;
   * healed when the step-down's future completed.
   */
  private void stepDownSlowListeners(Fault f, CandidateProcess p) throws InterruptedException {
    long drain = between(cfg.cooldown() + 200 * MS, cfg.st() + 1000 * MS);
    int mark = p.log(focus).size();
    p.send(command("SLOW_LOST " + drain / MS));
    p.send(command("STEP_DOWN"));
    Event done = awaitLine(p, mark, drain + cfg.st() + TimeUnit.SECONDS.toNanos(10), "STEP_DOWN_DONE", "UNSUPPORTED");
    if (done == null || done.kind().equals("UNSUPPORTED")) {
      f.healedAt(System.nanoTime());
      f.detail(done == null ? "no STEP_DOWN_DONE within the bound" : "unsupported by " + cfg.implementation()
          + " (" + done.str(1, "?") + "): nothing done");
      return;
    }
    // A follower's step-down never loses: disarm, so a later fault's loss is not slowed.
    p.send(command("SLOW_LOST 0"));
    f.healedAt(done.arrivalNanos());
    f.detail("lost-listener drains " + drain / MS + " ms (cool-down " + cfg.stepDownCooldown().toMillis()
        + " ms, shutdown timeout " + cfg.shutdownTimeout().toMillis() + " ms); released=" + done.str(1, "?")
        + " after " + (done.nanos() - f.startedAt()) / MS + " ms");
  }

  /** SLOW_LOST beyond the shutdown timeout, then SIGTERM; a fresh candidate takes the slot. */
  private void slowListenerThenSigterm(Fault f, CandidateProcess p) throws InterruptedException {
    long drain = between(cfg.st() + 500 * MS, cfg.st() + 2000 * MS);
    int mark = p.log(focus).size();
    p.send(command("SLOW_LOST " + drain / MS));
    Event ack = awaitLine(p, mark, TimeUnit.SECONDS.toNanos(3), "COMMAND", "UNSUPPORTED");
    String how = ack != null && ack.kind().equals("COMMAND") ? "lost-listener blocks " + drain / MS + " ms"
        : "SLOW_LOST unsupported by " + cfg.implementation() + ": plain SIGTERM";
    long sent = System.nanoTime();
    // close() waits the shutdown timeout, then its threads up to the timeout + 1 s more.
    if (!p.terminate(2 * cfg.shutdownTimeout().toMillis() + cfg.renewDeadline().toMillis() + 10_000)) {
      how += "; did not exit in time, killed";
      p.kill();
    }
    f.healedAt(System.nanoTime());
    f.detail(how + " (shutdown timeout " + cfg.shutdownTimeout().toMillis() + " ms), then SIGTERM; exited after "
        + (f.healedAt() - sent) / MS + " ms");
    f.spawned(spawn(p.log().slot()).log().identity());
  }

  /** Unknown fields in every Lease the target reads, for longer than RD. */
  private void unknownLeaseField(Fault f, CandidateProcess p) throws InterruptedException {
    PlainHttpHop hop = hops[p.log().slot()];
    long nanos = between(cfg.rd() + 500 * MS, cfg.ld() + 1000 * MS);
    if (hop == null) {
      f.healedAt(System.nanoTime());
      f.detail("no plain-HTTP hop in this run: nothing injected");
      return;
    }
    long before = hop.injected();
    hop.injecting(true);
    sleepNanos(nanos);
    hop.injecting(false);
    f.healedAt(System.nanoTime());
    f.injected(hop.injected() - before);
    f.detail("spec.futureField in " + f.injected() + " lease bodies for " + nanos / MS + " ms");
  }

  /**
   * Rule 7 without a watch: the Role loses {@code watch}, every connection is reset (running
   * watches are not cut by RBAC), and after RP the leader steps down and is frozen once its
   * release is done, so only a follower that polls can take over. Bound: 1.5 x RP (the silence
   * after which a follower reads) + RP + 1.5 s for the read, the write and 2 busy cores.
   */
  private void roleWithoutWatch(Fault f, CandidateProcess leaderAtStart) throws InterruptedException {
    f.target("role", leaderAtStart != null);
    server.withholdLeaseVerb("watch");
    try {
      for (TcpProxy p : proxies) {
        p.cutConnections();
      }
      sleepNanos(cfg.rp());
      CandidateProcess leader = leaderNow(System.nanoTime());
      f.boundNanos(cfg.rp() * 3 / 2 + cfg.rp() + 1500 * MS);
      if (leader == null) {
        f.healedAt(System.nanoTime());
        f.detail("watch withheld; no leader to hand over");
        awaitRecovery(f, true);
        return;
      }
      int mark = leader.log(focus).size();
      leader.send(command("STEP_DOWN"));
      Event done = awaitLine(leader, mark, cfg.st() + TimeUnit.SECONDS.toNanos(10), "STEP_DOWN_DONE", "UNSUPPORTED");
      if (done != null && done.kind().equals("STEP_DOWN_DONE")) {
        // Held out of the race (it would re-acquire after its short cool-down) until a follower leads.
        long stoppedAt = System.nanoTime();
        leader.freeze();
        f.healedAt(done.arrivalNanos());
        awaitRecovery(f, true);
        leader.thaw();
        f.freeze(new Fault.Freeze(leader.log().identity(), stoppedAt, System.nanoTime()));
        f.detail("watch withheld, connections reset; " + leader.log().identity() + " stepped down (released="
            + done.str(1, "?") + ") and was held frozen; taken over by " + leaderName());
      } else {
        boolean stopped = leader.stopGracefully(cfg.renewDeadline().toMillis() + 10_000);
        if (!stopped) {
          leader.kill();
        }
        f.healedAt(System.nanoTime());
        f.spawned(spawn(leader.log().slot()).log().identity());
        awaitRecovery(f, true);
        f.detail("watch withheld, connections reset; step-down " + (done == null ? "not answered" : "unsupported")
            + ": " + leader.log().identity() + (stopped ? " stopped gracefully" : " killed") + "; taken over by "
            + leaderName());
      }
    } finally {
      server.restoreLeaseVerbs();
    }
  }

  private String leaderName() {
    CandidateProcess p = leaderNow(System.nanoTime());
    return p == null ? "nobody yet" : p.log().identity();
  }

  /** Waits for a line of one of {@code kinds} from {@code p}, printed after {@code mark}; null on timeout. */
  private Event awaitLine(CandidateProcess p, int mark, long timeoutNanos, String... kinds)
      throws InterruptedException {
    long until = System.nanoTime() + timeoutNanos;
    while (System.nanoTime() < until) {
      Event e = p.log(focus).firstFrom(mark, kinds);
      if (e != null) {
        return e;
      }
      if (!p.alive()) {
        return p.log(focus).firstFrom(mark, kinds);
      }
      Thread.sleep(10);
    }
    return null;
  }

  private void proxyFault(Fault f, CandidateProcess p, long nanos, Consumer<TcpProxy> fault, String what)
      throws InterruptedException {
    fault.accept(p.proxy());
    sleepNanos(nanos);
    p.proxy().resume();
    f.healedAt(System.nanoTime());
    f.detail(what + " for " + nanos / MS + " ms");
  }

  private void freezeFor(Fault f, CandidateProcess p, long nanos) throws InterruptedException {
    long stoppedAt = System.nanoTime();
    p.freeze();
    sleepNanos(nanos);
    p.thaw();
    long continuedAt = System.nanoTime();
    f.freeze(new Fault.Freeze(p.log().identity(), stoppedAt, continuedAt));
    f.healedAt(continuedAt);
    f.detail("frozen for " + (continuedAt - stoppedAt) / MS + " ms");
  }

  private void leaseEdit(Fault f, CandidateProcess leader, Fault.LeaseEdit edit) {
    f.target("lease", leader != null);
    f.edit(edit);
    f.healedAt(edit.ackAt());
    f.detail(edit.what() + " (holder was " + edit.holderBefore() + ")");
  }

  private void deleteWhileFrozen(Fault f, CandidateProcess leader) throws InterruptedException {
    if (leader == null) {
      f.target("lease", false);
      f.detail("no leader to freeze: plain delete");
      f.edit(editor().delete());
      f.healedAt(f.edits().get(0).ackAt());
      return;
    }
    f.target(leader.log().identity(), true);
    long freezeFor = between(cfg.ld() + 200 * MS, cfg.ld() + 1200 * MS);
    long stoppedAt = System.nanoTime();
    leader.freeze();
    Fault.LeaseEdit delete = editor().delete();
    f.edit(delete);
    List<CandidateProcess> followers = new ArrayList<>();
    for (CandidateProcess p : slots) {
      if (p != leader) {
        followers.add(p);
      }
    }
    CandidateProcess victim = followers.get(random.nextInt(followers.size()));
    victim.kill();
    CandidateProcess fresh = spawn(victim.log().slot());
    f.spawned(fresh.log().identity());
    sleepNanos(stoppedAt + freezeFor - System.nanoTime());
    leader.thaw();
    long continuedAt = System.nanoTime();
    f.freeze(new Fault.Freeze(leader.log().identity(), stoppedAt, continuedAt));
    f.healedAt(continuedAt);
    f.detail("leader frozen for " + (continuedAt - stoppedAt) / MS + " ms; lease deleted "
        + (delete.sentAt() - stoppedAt) / MS + " ms into it; " + victim.log().identity()
        + " replaced by fresh " + fresh.log().identity());
  }

  /** The leader with probability {@code pLeader} (when there is one), else a random process. */
  private CandidateProcess target(Fault f, CandidateProcess leader, double pLeader) {
    CandidateProcess p;
    if (leader != null && random.nextDouble() < pLeader) {
      p = leader;
    } else {
      p = slots[random.nextInt(slots.length)];
    }
    f.target(p.log().identity(), p == leader);
    return p;
  }

  private FaultType pick() {
    int total = 0;
    for (FaultType t : FaultType.values()) {
      total += cfg.excluded().contains(t) ? 0 : t.weight();
    }
    int r = schedule.nextInt(total);
    for (FaultType t : FaultType.values()) {
      r -= cfg.excluded().contains(t) ? 0 : t.weight();
      if (r < 0) {
        return t;
      }
    }
    throw new AssertionError();
  }

  private long between(long lo, long hi) {
    return hi <= lo ? lo : lo + (long) (random.nextDouble() * (hi - lo));
  }

  // --- liveness ------------------------------------------------------------------------------

  /**
   * Waits until a leader is confirmed after the heal: an acting process (not frozen, not dead)
   * that, when the fault touched the leader or everyone, has also written successfully since.
   */
  private void awaitRecovery(Fault f, boolean needWrite) throws InterruptedException {
    if (multi()) {
      awaitRecoveryOfEveryLease(f, needWrite);
      return;
    }
    long heal = f.healedAt();
    while (true) {
      long now = System.nanoTime();
      for (CandidateProcess p : slots) {
        CandidateLog l = p.log();
        if (needWrite ? l.confirmedSince(heal, now, cfg.rd(), cfg.rp()) : l.actingAt(now, cfg.rd())) {
          f.recoveredAt(now, needWrite);
          return;
        }
      }
      if (now - heal > HARD_RECOVERY_CAP) {
        progress.accept("no leader " + HARD_RECOVERY_CAP / 1_000_000_000 + " s after " + f + "; going on");
        return;
      }
      Thread.sleep(10);
    }
  }

  /**
   * Several leases: every lease needs a confirmed leader again. A lease needs a write since the
   * heal when the fault needs one and it is the lease the fault was aimed at, or the fault hit
   * everyone, or it hit the process that led this lease at the start; else an acting leader
   * will do. The bound of the fault is the aimed-at lease's; the others have the usual one
   * (ROLE_WITHOUT_WATCH's tighter bound is about the lease whose leader stepped down). The fault's
   * own recovery is the last lease's.
   */
  private void awaitRecoveryOfEveryLease(Fault f, boolean needWrite) throws InterruptedException {
    long heal = f.healedAt();
    long usual = cfg.ld() + cfg.rp() + cfg.recoverySlack().toNanos();
    java.util.Map<String, Boolean> needs = new java.util.HashMap<>();
    for (String name : leaseNames) {
      boolean write = needWrite && (name.equals(focus) || f.type().target() == FaultType.Target.GLOBAL
          || f.leaseLeaderAtStart(name).equals(f.target()));
      needs.put(name, write);
    }
    java.util.Set<String> waiting = new java.util.LinkedHashSet<>(leaseNames);
    long last = Long.MIN_VALUE;
    while (!waiting.isEmpty()) {
      long now = System.nanoTime();
      for (java.util.Iterator<String> it = waiting.iterator(); it.hasNext(); ) {
        String name = it.next();
        boolean write = needs.get(name);
        for (CandidateProcess p : slots) {
          CandidateLog l = p.log(name);
          if (write ? l.confirmedSince(heal, now, cfg.rd(), cfg.rp()) : l.actingAt(now, cfg.rd())) {
            f.leaseRecovery(name, name.equals(focus) ? f.boundNanos() : usual, now, write);
            last = now;
            it.remove();
            break;
          }
        }
      }
      if (waiting.isEmpty()) {
        break;
      }
      if (now - heal > HARD_RECOVERY_CAP) {
        for (String name : waiting) {
          f.leaseRecovery(name, name.equals(focus) ? f.boundNanos() : usual, Long.MIN_VALUE, needs.get(name));
        }
        progress.accept("no leader of " + waiting + " " + HARD_RECOVERY_CAP / 1_000_000_000 + " s after " + f
            + "; going on");
        return;
      }
      Thread.sleep(10);
    }
    f.recoveredAt(last, needWrite);
  }

  private long awaitLeader(long timeout) throws InterruptedException {
    long start = System.nanoTime();
    while (System.nanoTime() - start < timeout) {
      long now = System.nanoTime();
      boolean all = multi() ? leaseNames.stream().allMatch(name -> leaderNow(name, now) != null) : leaderNow(now) != null;
      if (all) {
        return System.nanoTime();
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException("no leader within " + timeout / 1_000_000_000 + " s of the start; see "
        + cfg.runDirectory());
  }

  /** The leader of the lease of the current fault. */
  private CandidateProcess leaderNow(long now) {
    return leaderNow(focus, now);
  }

  private CandidateProcess leaderNow(String name, long now) {
    for (CandidateProcess p : slots) {
      if (p != null && p.log(name).actingAt(now, cfg.rd())) {
        return p;
      }
    }
    return null;
  }

  /** The admin's editor of the lease of the current fault. */
  private LeaseEditor editor() {
    return multi() ? editors.get(focus) : editor;
  }

  /**
   * One lease's run.tsv and transcript.txt (its lines without the prefix, plus the process's
   * own), so {@link Recheck} can check that lease again.
   */
  private static void writeLeaseArchive(RunRecord r) {
    try {
      Files.createDirectories(r.runDirectory());
      try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(r.runDirectory().resolve("transcript.txt"),
          StandardCharsets.UTF_8))) {
        for (CandidateLog l : r.candidates()) {
          for (Event e : l.events()) {
            if (!e.kind().equals("OTHER")) {
              out.println(e.arrivalNanos() + " " + l.identity() + " " + e);
            }
          }
        }
      }
      RunArchive.write(r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // --- processes -----------------------------------------------------------------------------

  private CandidateProcess spawn(int slot) {
    int gen = generations[slot]++;
    String identity = "cand-" + slot + "-" + gen;
    // Wall clocks between -2 h and +2 h off, some exactly right: the elector must not care (rule 1).
    long offset = !cfg.wallOffsets() || random.nextInt(4) == 0 ? 0 : random.nextLong(-7_200_000L, 7_200_001L);
    long spawnedAt = System.nanoTime();
    CandidateLog log = new CandidateLog(identity, slot, spawnedAt, offset);
    logs.add(log);
    List<String> command = new ArrayList<>(cfg.command(kubeconfigs[slot], server.namespace(), lease, identity, offset));
    java.util.Map<String, CandidateLog> own = new java.util.HashMap<>();
    if (multi()) {
      command.addAll(List.of("--leases", Integer.toString(leaseCount)));
      if (balance) {
        command.addAll(List.of("--balance", "true"));
      }
      for (String name : leaseNames) {
        CandidateLog l = new CandidateLog(identity, slot, spawnedAt, offset);
        leaseLogs.get(name).add(l);
        own.put(name, l);
      }
    }
    CandidateProcess p = CandidateProcess.start(log, own, command, cfg.environment(kubeconfigs[slot], identity),
        proxies[slot], cfg.runDirectory().resolve(identity + ".stderr.log"), transcript);
    proxies[slot].resume();
    slots[slot] = p;
    return p;
  }

  private void stopAll() {
    for (CandidateProcess p : slots) {
      if (p != null && p.log().frozen()) {
        p.thaw();
      }
    }
    for (TcpProxy proxy : proxies) {
      if (proxy != null) {
        proxy.resume();
      }
    }
    List<Thread> stoppers = new ArrayList<>();
    for (CandidateProcess p : slots) {
      if (p == null) {
        continue;
      }
      Thread t = new Thread(() -> {
        if (!p.stopGracefully(cfg.renewDeadline().toMillis() + 10_000)) {
          p.destroy();
        }
      });
      t.start();
      stoppers.add(t);
    }
    for (Thread t : stoppers) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static Path rewriteServer(Path template, Path target, int port, boolean plainHttp) {
    try {
      String yaml = Files.readString(template);
      String rewritten = yaml.replaceAll("server: \"https://([^:\"]+):\\d+\"",
          plainHttp ? "server: \"http://127.0.0.1:" + port + "\"" : "server: \"https://$1:" + port + "\"");
      if (rewritten.equals(yaml)) {
        throw new IllegalStateException("no server URL to rewrite in " + template);
      }
      return Files.writeString(target, rewritten);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String describe(Fault f) {
    return f.id() + "\t" + f.type() + (f.lease() == null ? "" : "\tlease=" + f.lease()) + "\ttarget=" + f.target() + (f.targetWasLeader() ? "(leader)" : "")
        + "\tleaderAtStart=" + f.leaderAtStart() + "\tstart=" + f.startedAt() + "\theal=" + f.healedAt()
        + "\trecovery_ms=" + (f.recoveryNanos() < 0 ? "never" : Long.toString(f.recoveryNanos() / MS))
        + "\t" + f.detail() + (f.spawned().isEmpty() ? "" : "\tspawned=" + f.spawned());
  }

  private static void sleepMillis(long millis) throws InterruptedException {
    Thread.sleep(millis);
  }

  private static void sleepNanos(long nanos) throws InterruptedException {
    if (nanos > 0) {
      TimeUnit.NANOSECONDS.sleep(nanos);
    }
  }
}
