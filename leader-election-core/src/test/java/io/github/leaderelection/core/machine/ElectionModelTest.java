package io.github.leaderelection.core.machine;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.LeaseRecord;
import io.github.leaderelection.core.LeaseStoreException;
import io.github.leaderelection.core.VersionedLease;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Model-based test of the election machine: 3-5 candidates on a simulated API server, with
 * request latency, timeouts, failures (before and after the write applied), lost and late watch
 * events, stalled watches, process pauses, step-downs, slow listeners, closes, crashes, restarts,
 * hand edits and deletions, all drawn from a seeded random source. After every step it checks:
 * <ul>
 *   <li>no two candidates act at the same instant (rules 1-3);</li>
 *   <li>a release only ever clears the releaser's own ended term (rules 5, 22);</li>
 *   <li>elected and lost alternate per candidate, starting with elected (rule 13);</li>
 *   <li>in healthy phases, a released lease gets a new leader within RP plus one request (rules 7, 8),
 *       and a phase ends with a leader (rule 12).</li>
 * </ul>
 *
 * <p>Runs {@code model.steps} steps (default 1,000,000) over seeds from {@code model.seed}
 * (default {@value #DEFAULT_SEED}; {@code random} for a new one, printed). Reproduce a failure with
 * {@code ./mvnw -pl leader-election-core test -Dtest=ElectionModelTest -Dmodel.seed=SEED -Dmodel.runs=1}.
 */
class ElectionModelTest {

  static final long S = 1_000_000_000L;
  static final long MS = 1_000_000L;
  static final long LD = 15 * S;
  static final long RD = 10 * S;
  static final long RP = 2 * S;
  static final long TIMEOUT = 5 * S;
  static final Instant EPOCH = Instant.parse("2026-12-01T00:00:00Z");
  static final long DEFAULT_SEED = 20261201L;

  @Test
  void neverTwoActingLeadersAndAlwaysEventuallyOne() {
    long steps = Long.getLong("model.steps", 1_000_000);
    // A fixed seed by default, so a build is reproducible and lands or fails on its own merits;
    // -Dmodel.seed=random explores new ground (docs/model-test.md).
    String seedProperty = System.getProperty("model.seed", Long.toString(DEFAULT_SEED));
    long seed = seedProperty.equals("random") ? new Random().nextLong() : Long.parseLong(seedProperty);
    int runs = Integer.getInteger("model.runs", Integer.MAX_VALUE);
    long done = 0;
    long excused = 0;
    int run = 0;
    while (done < steps && run < runs) {
      long runSeed = seed + run;
      World w = new World(runSeed);
      try {
        done += w.run(Math.min(40_000, steps - done));
        excused += w.excused;
      } catch (AssertionError e) {
        throw new AssertionError("seed " + runSeed + " (reproduce: -Dmodel.seed=" + runSeed
            + " -Dmodel.runs=1), at t=" + w.now / MS + " ms, step " + w.steps + ": " + e.getMessage()
            + "\nlast events:\n" + String.join("\n", w.trace), e);
      }
      run++;
    }
    System.out.printf("ElectionModelTest: %d steps in %d runs from seed %d; %d steps of overlap excused by"
        + " the deletion limit%n", done, run, seed, excused);
    assertThat(done).isGreaterThan(0);
  }

  /**
   * Seeds that once found a violation, run on every build:
   * <ul>
   *   <li>-3617040608196605198 (CI, 2026-12-01): a follower frozen past its deletion claim woke
   *       up and created the Lease on stale absence knowledge; it had been recreated by another
   *       candidate and deleted again meanwhile;</li>
   *   <li>-7919222672544159043: a create in flight saw a rival create the Lease, which was then
   *       deleted; the create applied and led while the rival still acted;</li>
   *   <li>343882092832263231: a create sent on absence heard of 1 s before, while a rival had
   *       created the Lease and it was deleted unseen (a slow watch): now a read goes first;
   *       a create and a delete between that read and our create remain, the decided limit
   *       that {@link World#deletionLimit} excuses.</li>
   * </ul>
   */
  @Test
  void seedsThatFoundViolations() {
    for (long seed : new long[] {-3617040608196605198L, -7919222672544159043L, 343882092832263231L}) {
      World w = new World(seed);
      try {
        w.run(40_000);
      } catch (AssertionError e) {
        throw new AssertionError("seed " + seed + ", step " + w.steps + ": " + e.getMessage()
            + "\nlast events:\n" + String.join("\n", w.trace), e);
      }
    }
  }

  /**
   * The same model with candidates holding back from free leases (what balancing does) at random
   * during chaos, and at once again when a healthy phase starts: holding back may delay a
   * takeover but never make two leaders. Hold-backs draw from their own random source, so the
   * seeds above keep replaying the same scenarios.
   */
  @Test
  void holdingBackNeverMakesTwoLeaders() {
    long steps = Long.getLong("model.steps", 1_000_000) / 4;
    long done = 0;
    for (int run = 0; done < steps; run++) {
      long seed = DEFAULT_SEED + 7_000 + run;
      World w = new World(seed);
      w.defers = new Random(~seed);
      try {
        done += w.run(Math.min(40_000, steps - done));
      } catch (AssertionError e) {
        throw new AssertionError("seed " + seed + " with hold-backs, step " + w.steps + ": " + e.getMessage()
            + "\nlast events:\n" + String.join("\n", w.trace), e);
      }
      assertThat(w.deferred).as("hold-backs applied in run %d", run).isPositive();
    }
  }

  /** A create (by a candidate) or a delete (by = null) at the server. */
  record Change(long at, String by) {}

  /** One simulated cluster: a server, candidates, and a timeline of things to happen. */
  static final class World {
    private record Due(long at, long seq, Runnable what) {}

    final Random rnd;
    final PriorityQueue<Due> queue = new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at)
        : Long.compare(a.seq, b.seq));
    final List<Sim> candidates = new ArrayList<>();
    final List<String> trace = new ArrayList<>();
    long now;
    long seq;
    long steps;
    int nextIdentity;
    boolean healthy;
    long healthySince;
    long releasedAt = -1; // in a healthy phase: when a release applied and a takeover is awaited
    long lastHandoverAt = Long.MIN_VALUE / 2;
    /** When set, candidates hold back from free leases at random during chaos. */
    Random defers;
    long deferred;

    // the server
    /** Creates and deletes, in order: what the documented deletion limit is checked against. */
    final List<Change> changes = new ArrayList<>();
    long excused;
    LeaseRecord record;
    long rv = 100;
    Object storeState = new Object();

    World(long seed) {
      this.rnd = new Random(seed);
    }

    long run(long maxSteps) {
      int n = 3 + rnd.nextInt(3);
      for (int i = 0; i < n; i++) {
        startCandidate(false);
      }
      phase(rnd.nextBoolean());
      while (steps < maxSteps && !queue.isEmpty()) {
        Due d = queue.poll();
        now = Math.max(now, d.at);
        d.what.run();
        checkLiveness();
      }
      return steps;
    }

    void at(long t, Runnable r) {
      queue.add(new Due(Math.max(t, now), seq++, r));
    }

    void note(String s) {
      trace.add(now / MS + " " + s);
      if (trace.size() > 30) {
        trace.remove(0);
      }
    }

    // --- the scenario ---------------------------------------------------------------------------

    /** Healthy and chaotic phases alternate; chaos picks faults at random. */
    void phase(boolean healthyNow) {
      healthy = healthyNow;
      healthySince = now;
      releasedAt = -1;
      note(healthyNow ? "phase healthy" : "phase chaos");
      for (Sim c : candidates) {
        if (healthyNow) {
          c.watchStalled = false;
          c.slowListeners = false;
        }
      }
      long length = (healthyNow ? 60 : 90) * S + rnd.nextInt(60) * S;
      at(now + length, () -> {
        // A close without release leaves the lease to expire: allow for that after a handover.
        if (healthy && activeCandidates() > 0 && now - lastHandoverAt > LD + RP + S) {
          assertThat(actingCount()).as("a healthy phase ended without a leader").isEqualTo(1);
        }
        phase(!healthy);
      });
      if (defers != null) {
        scheduleHoldBacks(healthyNow, length);
      }
      if (!healthyNow) {
        for (int i = 0; i < 6 + rnd.nextInt(10); i++) {
          at(now + (long) (rnd.nextDouble() * length), this::fault);
        }
      } else {
        // Graceful handovers, once settled: a step-down or a close of whoever leads.
        at(now + LD + RD + 5 * S + rnd.nextInt(10) * S, this::handover);
        at(now + LD + RD + 25 * S + rnd.nextInt(10) * S, this::handover);
      }
    }

    void fault() {
      if (healthy) {
        return;
      }
      List<Sim> live = candidates.stream().filter(c -> c.alive).toList();
      Sim c = live.isEmpty() ? null : live.get(rnd.nextInt(live.size()));
      int kind = rnd.nextInt(10);
      if (c == null && kind < 7) {
        kind = 9;
      }
      switch (kind) {
        case 0, 1 -> { // a pause (GC, SIGSTOP), sometimes past the renew deadline
          long d = (long) (rnd.nextDouble() * (rnd.nextBoolean() ? 3 * S : 25 * S));
          c.pausedUntil = Math.max(c.pausedUntil, now + d);
          note(c + " paused " + d / MS + " ms");
        }
        case 2 -> {
          note(c + " step down");
          c.deliver(new Event.StepDown());
        }
        case 3 -> {
          note(c + " close");
          c.deliver(new Event.Close());
        }
        case 4 -> { // kill -9: gone at once, nothing released
          note(c + " crash");
          c.alive = false;
          at(now + rnd.nextInt(20) * S, () -> startCandidate(true));
        }
        case 5 -> {
          c.watchStalled = true;
          note(c + " watch stalls");
        }
        case 6 -> c.slowListeners = !c.slowListeners;
        case 7 -> { // a hand edit naming someone else, or a deletion
          if (rnd.nextBoolean()) {
            // At least the renew deadline: a hand edit with a shorter claim (like a hand clear)
            // lets followers in before a leader that missed the edit stops; nothing can prevent that.
            write(new LeaseRecord("intruder", 10 + rnd.nextInt(25), null, null,
                record == null ? 0 : record.transitions() + 1));
            note("hand edit: intruder");
          } else if (record != null) {
            note("lease deleted");
            changes.add(new Change(now, null));
            record = null;
            rv++;
            publish();
          }
        }
        default -> startCandidate(true);
      }
    }

    /** Chaos: random hold-backs of 0-10 s; healthy: none, so the liveness checks hold as before. */
    void scheduleHoldBacks(boolean healthyNow, long length) {
      if (healthyNow) {
        candidates.stream().filter(c -> c.alive).forEach(c -> c.deliver(new Event.Defer(Duration.ZERO)));
        return;
      }
      for (int i = 0; i < 3 + defers.nextInt(6); i++) {
        long when = now + (long) (defers.nextDouble() * length * 0.9);
        Duration holdBack = Duration.ofMillis(defers.nextInt(10_000));
        int pick = defers.nextInt(5);
        at(when, () -> {
          List<Sim> live = candidates.stream().filter(c -> c.alive).toList();
          if (!healthy && !live.isEmpty()) {
            Sim c = live.get(pick % live.size());
            note(c + " holds back " + holdBack.toMillis() + " ms");
            deferred++;
            c.deliver(new Event.Defer(holdBack));
          }
        });
      }
    }

    void handover() {
      for (Sim c : candidates) {
        if (healthy && c.alive && c.acting(now)) {
          note(c + " hands over");
          lastHandoverAt = now;
          c.deliver(rnd.nextBoolean() ? new Event.StepDown() : new Event.Close());
          return;
        }
      }
    }

    void startCandidate(boolean later) {
      if (candidates.stream().filter(x -> x.alive).count() >= 5) {
        return;
      }
      Sim c = new Sim(this, "c" + nextIdentity++, later);
      candidates.add(c);
      note(c + " starts");
      c.deliver(new Event.Start());
    }

    // --- the server -----------------------------------------------------------------------------

    VersionedLease current() {
      return record == null ? null : new VersionedLease(record, Long.toString(rv), storeState);
    }

    void write(LeaseRecord r) {
      record = r;
      rv++;
      storeState = new Object();
      publish();
    }

    void publish() {
      VersionedLease lease = current();
      String at = Long.toString(rv);
      for (Sim c : candidates) {
        c.watchEvent(lease, at);
      }
    }

    /** Applies one request at the server; returns the answer or throws the failure. */
    VersionedLease apply(Sim c, Request r) throws LeaseStoreException {
      switch (r.op()) {
        case GET -> {
          return current();
        }
        case CREATE -> {
          if (record != null) {
            throw new LeaseStoreException.Conflict("exists", null);
          }
          changes.add(new Change(now, c.id));
          write(r.record());
          return current();
        }
        default -> {
          if (record == null) {
            throw new LeaseStoreException.NotFound("gone", null);
          }
          if (!r.base().resourceVersion().equals(Long.toString(rv))) {
            throw new LeaseStoreException.Conflict("stale", null);
          }
          if (!r.record().isHeld()) {
            // Rules 5, 22: a release clears only the releaser's own, ended term.
            assertThat(record.holder()).as("release by " + c + " clears another's record").isEqualTo(c.id);
            assertThat(c.machine.role()).as("release by " + c + " while it leads")
                .isNotInstanceOf(Role.Leading.class);
            if (healthy && now - healthySince > LD + RD) {
              releasedAt = now;
            }
          }
          write(r.record());
          return current();
        }
      }
    }

    // --- invariants -------------------------------------------------------------------------------

    long actingCount() {
      return candidates.stream().filter(c -> c.alive && c.acting(now)).count();
    }

    long activeCandidates() {
      return candidates.stream().filter(c -> c.alive && c.machine.role() instanceof Role.Following f
          && f.cooldownUntil() <= now || c.alive && c.machine.role() instanceof Role.Leading).count();
    }

    void checkSafety() {
      List<Sim> acting = candidates.stream().filter(c -> c.alive && c.acting(now)).toList();
      if (acting.size() == 2 && (deletionLimit(acting.get(0)) || deletionLimit(acting.get(1)))) {
        excused++;
        note("overlap excused: the documented deletion limit");
        return;
      }
      assertThat(acting).as("acting leaders at the same instant").hasSizeLessThanOrEqualTo(1);
    }

    /**
     * The decided limit of rule 11 (docs/election-semantics.md): {@code c} created the lease
     * on absence it last heard of at {@code createHeardAt}, and after that, before its create
     * applied, another candidate created the lease and it was deleted. Nothing {@code c} could
     * see tells this apart from the absence it waited out.
     */
    boolean deletionLimit(Sim c) {
      // Only for a create sent right after it heard of the absence (read first, rule 11): older
      // knowledge is a bug, not the limit.
      if (c.createHeardAt == Long.MIN_VALUE || c.createSentAt - c.createHeardAt > RP / 10) {
        return false;
      }
      int own = -1;
      for (int i = changes.size() - 1; i >= 0; i--) {
        if (c.id.equals(changes.get(i).by())) {
          own = i;
          break;
        }
      }
      boolean created = false;
      for (int i = 0; i < own; i++) {
        Change ch = changes.get(i);
        if (ch.at() <= c.createHeardAt) {
          continue;
        }
        if (ch.by() != null) {
          created = true;
        } else if (created) {
          return true;
        }
      }
      return false;
    }

    void checkLiveness() {
      if (!healthy || releasedAt < 0) {
        return;
      }
      if (actingCount() == 1) {
        releasedAt = -1;
      } else if (now > releasedAt + RP + 2 * Sim.HEALTHY_LATENCY + MS && activeCandidates() > 0) {
        throw new AssertionError("a released lease got no leader within RP + one request");
      }
    }
  }

  /** One candidate process: its machine, its threads (as queues), its watch. */
  static final class Sim {
    static final long HEALTHY_LATENCY = 30 * MS;

    final World w;
    final String id;
    final ElectionMachine machine;
    boolean alive = true;
    long pausedUntil;
    boolean watchStalled;
    boolean slowListeners;
    long listenerFreeAt;
    long watchFreeAt;
    long tickSeq;
    /** When the absence our current term's create acted on was last heard; MIN_VALUE if not won by a create. */
    long createHeardAt = Long.MIN_VALUE;
    long createSentAt;
    final java.util.Map<Long, Long> heardAtCreate = new java.util.HashMap<>();
    final java.util.Map<Long, Long> sentAtCreate = new java.util.HashMap<>();
    long lastAnsweredId = -1;
    String lastAnnounced = "lost";

    Sim(World w, String id, boolean later) {
      this.w = w;
      this.id = id;
      Random r = w.rnd;
      ElectionConfig config = ElectionConfig.builder("model").namespace("default").identity(id)
          .leaseDuration(Duration.ofNanos(LD)).renewDeadline(Duration.ofNanos(RD))
          .retryPeriod(Duration.ofNanos(RP)).requestTimeout(Duration.ofNanos(TIMEOUT))
          .stepDownCooldown(Duration.ofSeconds(r.nextInt(16)))
          .shutdownTimeout(Duration.ofSeconds(r.nextInt(11)))
          .releaseOnShutdown(r.nextInt(4) != 0)
          // A brand-new process cannot know a missing Lease was just deleted under a live
          // leader; those started mid-run take the opt-in wait (the documented limit).
          .waitBeforeCreate(later)
          .build();
      this.machine = new ElectionMachine(config);
    }

    boolean acting(long now) {
      return machine.role() instanceof Role.Leading l && now - l.renewSentAt() < RD;
    }

    /** Runs an event on this candidate's election thread, after a pause if paused. */
    void deliver(Event e) {
      w.at(w.now, () -> run(e));
    }

    private void run(Event e) {
      if (!alive) {
        return;
      }
      if (w.now < pausedUntil) {
        w.at(pausedUntil, () -> run(e)); // the thread is frozen: it runs after the pause
        return;
      }
      w.steps++;
      lastAnsweredId = e instanceof Event.Answer a ? a.requestId() : -1;
      List<Action> actions = machine.handle(e, new Now(w.now, EPOCH.plusNanos(w.now)));
      w.note(id + " " + e + " -> " + actions + " role=" + machine.role().getClass().getSimpleName());
      for (Action a : actions) {
        perform(a);
      }
      w.checkSafety();
      if (machine.role() instanceof Role.Closed) {
        alive = false;
        w.at(w.now + w.rnd.nextInt(10) * S, () -> w.startCandidate(true));
        return;
      }
      long wake = machine.wakeAt();
      if (wake != Long.MAX_VALUE) {
        long mine = ++tickSeq;
        w.at(wake, () -> {
          if (mine == tickSeq) {
            run(new Event.Tick());
          }
        });
      }
    }

    private void perform(Action a) {
      if (a instanceof Action.Send s) {
        send(s.request());
      } else if (a instanceof Action.Elected el) {
        Long heard = heardAtCreate.get(lastAnsweredId);
        createHeardAt = heard != null ? heard : Long.MIN_VALUE;
        createSentAt = heard != null ? sentAtCreate.get(lastAnsweredId) : 0;
        assertThat(lastAnnounced).as(id + ": elected twice in a row").isEqualTo("lost");
        lastAnnounced = "elected";
        listener(el.announcementId());
      } else if (a instanceof Action.Lost l) {
        assertThat(lastAnnounced).as(id + ": lost without elected").isEqualTo("elected");
        lastAnnounced = "lost";
        listener(l.announcementId());
      } else if (a instanceof Action.RestartWatch) {
        watchStalled = false;
        watchEvent(w.current(), Long.toString(w.rv)); // a new watch starts from the current state
      }
    }

    /** Listeners run one notification at a time, sometimes slowly (leader work draining). */
    private void listener(long id) {
      long took = slowListeners ? (long) (w.rnd.nextDouble() * 15 * S) : (long) (w.rnd.nextDouble() * 50 * MS);
      long done = Math.max(w.now, listenerFreeAt) + took;
      listenerFreeAt = done;
      w.at(done, () -> deliver(new Event.Delivered(id)));
    }

    private long latency() {
      if (w.healthy) {
        return (long) (w.rnd.nextDouble() * HEALTHY_LATENCY);
      }
      double x = w.rnd.nextDouble();
      return x < 0.8 ? (long) (w.rnd.nextDouble() * 100 * MS)
          : x < 0.97 ? (long) (w.rnd.nextDouble() * 3 * S) : TIMEOUT + 1;
    }

    private void send(Request r) {
      if (r.op() == Request.Op.CREATE && r.purpose() == Request.Purpose.ACQUIRE) {
        heardAtCreate.put(r.id(), machine.view().lastHeardAt());
        sentAtCreate.put(r.id(), r.sentAt());
      }
      long lat = latency();
      boolean timesOut = lat > TIMEOUT;
      long answerAt = w.now + Math.min(lat, TIMEOUT);
      // The request reaches the server part-way; a timeout may or may not have applied it.
      boolean applies = !timesOut || w.rnd.nextBoolean();
      boolean failsBefore = !w.healthy && w.rnd.nextInt(12) == 0;
      long applyAt = w.now + (long) (Math.min(lat, TIMEOUT) * w.rnd.nextDouble());
      w.at(applyAt, () -> {
        if (!alive) {
          return;
        }
        Event outcome;
        if (failsBefore || !applies) {
          outcome = new Event.Failure(r.id(), new LeaseStoreException("injected: " + (timesOut ? "timeout" : "503"),
              timesOut ? 0 : 503, null));
        } else {
          try {
            outcome = new Event.Answer(r.id(), w.apply(this, r));
            if (timesOut) {
              outcome = new Event.Failure(r.id(), new LeaseStoreException("timeout after it applied", 0, null));
            }
          } catch (LeaseStoreException e) {
            outcome = new Event.Failure(r.id(), e);
          }
        }
        Event result = outcome;
        w.at(answerAt, () -> deliver(result));
      });
    }

    /** The server changed: the watch delivers it in order, late, or never while stalled. */
    void watchEvent(VersionedLease lease, String rv) {
      if (!alive || watchStalled || (!w.healthy && w.rnd.nextInt(30) == 0)) {
        return; // lost
      }
      long at = Math.max(watchFreeAt, w.now + (w.healthy ? w.rnd.nextInt(10) * MS : (long) (w.rnd.nextDouble() * 500 * MS)));
      watchFreeAt = at;
      w.at(at, () -> deliver(new Event.Observed(lease, rv)));
    }

    @Override
    public String toString() {
      return id;
    }
  }
}
