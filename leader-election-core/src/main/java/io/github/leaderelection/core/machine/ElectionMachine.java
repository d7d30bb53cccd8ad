package io.github.leaderelection.core.machine;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.core.LeaseRecord;
import io.github.leaderelection.core.LeaseStoreException;
import io.github.leaderelection.core.LossReason;
import io.github.leaderelection.core.VersionedLease;
import io.github.leaderelection.core.machine.Request.Op;
import io.github.leaderelection.core.machine.Request.Purpose;
import io.github.leaderelection.core.machine.Role.Closed;
import io.github.leaderelection.core.machine.Role.Closing;
import io.github.leaderelection.core.machine.Role.Following;
import io.github.leaderelection.core.machine.Role.Leading;
import io.github.leaderelection.core.machine.Role.New;
import io.github.leaderelection.core.machine.Role.Releasing;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One candidate's election, as a pure state machine: {@link #handle} takes an event and the time
 * it happened at and returns what to do. No I/O, no threads, no clock of its own; one caller at
 * a time. Rule numbers refer to the project's election contract (docs/election-semantics.md).
 *
 * <p>Every call runs the same three steps, top to bottom:
 * <ol>
 *   <li><b>Deadline.</b> A leader whose last successful renewal was sent a renew deadline ago
 *       stops first, whatever the event (rules 3, 24): nothing that follows can act on a lapsed
 *       term, so a late answer, a watch event queued behind a pause or a deletion cannot revive
 *       it.</li>
 *   <li><b>The event.</b> Observations update the {@link LeaseView}; outcomes of the one request
 *       in flight change the {@link Role}.</li>
 *   <li><b>Next request.</b> With nothing in flight, the role decides the next request, if any
 *       is due; {@link #wakeAt()} says when to call again with a {@link Event.Tick}.</li>
 * </ol>
 */
public final class ElectionMachine {

  /** A free lease may be missed by a silent watch: read when nothing was heard for this many retry periods. */
  static final double SILENCE_RETRY_PERIODS = 1.5;
  /**
   * Absence reads this far apart, in retry periods beyond the request timeout, still show one
   * absence: the silence poll's interval, plus slack for a late timer (rule 11).
   */
  static final double ABSENCE_CONTINUITY_RETRY_PERIODS = SILENCE_RETRY_PERIODS + 0.5;
  /** A create goes only on absence heard of this many retry periods ago at most, else after a read. */
  static final double CREATE_FRESHNESS_RETRY_PERIODS = 0.1;
  /** Reads and writes a release may try before it leaves the lease to expire (rule 5). */
  static final int RELEASE_ATTEMPTS = 3;
  /** A follower's retries after failures back off to at most 2^this retry periods. */
  static final int MAX_BACKOFF_DOUBLINGS = 2;

  private final ElectionConfig config;
  private final String identity;
  private final long leaseDuration;
  private final long renewDeadline;
  private final long retryPeriod;
  private final long absenceContinuity;
  private final long createFreshness;

  private Role role = new New();
  private LeaseView view = LeaseView.unknown(0);
  private Request inFlight;
  private long retryAt = Long.MIN_VALUE;
  private int failures;
  private long nextId;
  private LeaseStoreException lastError;
  private String lastNotifiedHolder = "";
  private long holdBack;

  /** A machine for {@code config} (validated already). */
  public ElectionMachine(ElectionConfig config) {
    this.config = config;
    this.identity = config.identity();
    this.leaseDuration = config.leaseDuration().toNanos();
    this.renewDeadline = config.renewDeadline().toNanos();
    this.retryPeriod = config.retryPeriod().toNanos();
    this.absenceContinuity = (long) (ABSENCE_CONTINUITY_RETRY_PERIODS * retryPeriod)
        + config.requestTimeout().toNanos();
    this.createFreshness = (long) (CREATE_FRESHNESS_RETRY_PERIODS * retryPeriod);
  }

  // ============================================================================================
  // Input
  // ============================================================================================

  /** Applies {@code event}, which happened at {@code now}, and returns what to do, in order. */
  public List<Action> handle(Event event, Now now) {
    List<Action> out = new ArrayList<>(2);
    long t = now.mono();
    enforceDeadline(t, out);
    if (event instanceof Event.Start) {
      start(t);
    } else if (event instanceof Event.Observed o) {
      if (observed(o.lease(), o.resourceVersion(), t, out) && role instanceof Following) {
        retryAt = Long.MIN_VALUE; // the server answers again: no reason to wait out a back-off
      }
    } else if (event instanceof Event.Progress) {
      view = view.heard(t);
    } else if (event instanceof Event.Answer a) {
      answered(a, t, out);
    } else if (event instanceof Event.Failure f) {
      failed(f, t, out);
    } else if (event instanceof Event.Defer d) {
      holdBack = d.holdBack().toNanos();
    } else if (event instanceof Event.StepDown) {
      stepDown(t, out);
    } else if (event instanceof Event.Delivered d) {
      delivered(d.announcementId());
    } else if (event instanceof Event.Close) {
      close(t, out);
    }
    drainTimeout(t, out);
    if (inFlight == null) {
      next(now, out);
    }
    return out;
  }

  // ============================================================================================
  // Step 1: the deadline (rule 3)
  // ============================================================================================

  private void enforceDeadline(long now, List<Action> out) {
    if (role instanceof Leading l && now - l.renewSentAt() >= renewDeadline) {
      // Renewals failed until the deadline, or none could even be tried in time (a pause).
      lose(l, lastError == null ? LossReason.DEADLINE_PASSED : LossReason.RENEW_FAILED, now, out);
    }
  }

  // ============================================================================================
  // Step 2: events
  // ============================================================================================

  private void start(long now) {
    if (role instanceof New) {
      view = LeaseView.unknown(now);
      role = new Following(Long.MIN_VALUE, now);
    }
  }

  /** Anything seen of the lease, from the watch or a read. Returns whether it was applied. */
  private boolean observed(VersionedLease lease, String rv, long now, List<Action> out) {
    if (role instanceof New || role instanceof Closed) {
      return false;
    }
    if (view.isOlder(lease != null ? lease.resourceVersion() : rv)) {
      return false; // an event older than what a read already showed (rule 15)
    }
    view = lease == null ? view.absent(rv, now, leaseDuration, config.waitBeforeCreate(), absenceContinuity) : view.present(lease, now);
    String holder = view.holder();
    if (!holder.isEmpty() && !holder.equals(lastNotifiedHolder)) {
      lastNotifiedHolder = holder;
      out.add(new Action.NewLeader(holder));
    }
    if (role instanceof Leading l && lease == null) {
      // Deleted while we lead: recreate it with our term at once (rule 11).
      role = new Leading(l.term(), l.renewSentAt(), l.lease(), Math.min(now, l.nextRenewAt()), l.verify(),
          l.announcementId());
    } else if (role instanceof Leading l) {
      if (lease.record().isHeldBy(identity)) {
        if (isNewer(lease, l.lease())) {
          // Our own record, changed by someone else (a hand edit): renew on top of it.
          role = new Leading(l.term(), l.renewSentAt(), lease, l.nextRenewAt(), l.verify(), l.announcementId());
        }
      } else if (isNewer(lease, l.lease())) {
        // The server's own order says someone else wrote after our last write: stop at once,
        // on this very event, before a follower can act on the same event (rules 8, 16).
        lose(l, LossReason.LEASE_TAKEN, now, out);
      } else {
        // Not comparable: only a fresh read decides (rule 10).
        role = new Leading(l.term(), l.renewSentAt(), l.lease(), l.nextRenewAt(), true, l.announcementId());
      }
    }
    return true;
  }

  private void answered(Event.Answer a, long now, List<Action> out) {
    Request req = inFlight;
    if (req == null || req.id() != a.requestId()) {
      return;
    }
    inFlight = null;
    failures = 0;
    retryAt = Long.MIN_VALUE;
    lastError = null;
    VersionedLease lease = a.lease();
    switch (req.purpose()) {
      case OBSERVE -> {
        long heardBefore = view.lastHeardAt();
        LeaseView before = view;
        observed(lease, null, now, out);
        if (before.known() && changedSince(before, view) && heardBefore < req.sentAt()) {
          // The read found a change that the watch, silent since before the read, never delivered.
          out.add(new Action.RestartWatch());
        }
      }
      case ACQUIRE -> acquired(req, lease, now, out);
      case RENEW -> {
        observed(lease, null, now, out);
        if (role instanceof Leading l && l.term().equals(req.term())) {
          role = new Leading(l.term(), Math.max(l.renewSentAt(), req.sentAt()), lease,
              req.sentAt() + retryPeriod, l.verify(), l.announcementId());
          out.add(new Action.Renewed(req.sentAt(), Duration.ofNanos(now - req.sentAt())));
        }
      }
      case VERIFY -> {
        observed(lease, null, now, out);
        if (role instanceof Leading l && l.term().equals(req.term())) {
          if (lease == null) {
            // Deleted while we lead: recreate it with our term now (rule 11).
            role = new Leading(l.term(), l.renewSentAt(), l.lease(), now, false, l.announcementId());
          } else if (lease.record().isHeldBy(identity)) {
            role = new Leading(l.term(), l.renewSentAt(), lease, now, false, l.announcementId());
          } else {
            lose(l, LossReason.LEASE_TAKEN, now, out);
          }
        }
      }
      case RELEASE_READ -> {
        observed(lease, null, now, out);
        if (role instanceof Releasing r) {
          if (lease == null || !lease.record().isHeldBy(identity)) {
            out.add(new Action.ReleaseSkipped(r.term(), lease == null ? "" : lease.record().holder()));
            finishRelease(r, now, false, out);
          } else {
            role = r.read(lease);
          }
        }
      }
      case RELEASE -> {
        observed(lease, null, now, out);
        if (role instanceof Releasing r) {
          out.add(new Action.Released(r.term()));
          finishRelease(r, now, true, out);
        } else if (role instanceof Closing) {
          closed(out);
        }
      }
    }
  }

  /** The answer to an acquiring write: leadership starts only here (rule 2). */
  private void acquired(Request req, VersionedLease written, long now, List<Action> out) {
    LeaseView before = view;
    observed(written, null, now, out);
    if (role instanceof Closing) {
      // Closed while the write was in flight: we hold the lease but never acted on it.
      if (config.releaseOnShutdown()) {
        send(Op.UPDATE, Purpose.RELEASE, written, releaseRecord(written, req.record().renewTime()), null, now, out);
      } else {
        closed(out);
      }
      return;
    }
    if (!(role instanceof Following f)) {
      return;
    }
    if (now - req.sentAt() >= renewDeadline) {
      // Acknowledged after the renew deadline (a pause): we hold the record but may not act on
      // it. The next step re-acquires our own record with a fresh write.
      return;
    }
    if (req.op() == Op.CREATE && createdAndDeletedInFlight(before.lease(), written)) {
      // Sent on an absent lease, yet a lease older than ours was seen meanwhile: a rival created
      // it and it was deleted before our create applied. The rival may act and not know yet, so
      // this is a deletion like any other (rule 11): our record is retaken with a fresh write
      // once the claim of the deleted one ran out.
      long recordClaim = before.changedAt() + before.lease().record().durationSeconds() * 1_000_000_000L;
      role = new Following(Math.max(now + leaseDuration, recordClaim), f.candidacyStart());
      return;
    }
    LeadershipTerm term = new LeadershipTerm(config.leaseName(), config.namespace(), identity,
        fencingToken(written), req.record().renewTime());
    long id = nextId++;
    boolean overtaken = view.lease() != null && !view.lease().record().isHeldBy(identity);
    role = new Leading(term, req.sentAt(), written, req.sentAt() + retryPeriod, overtaken, id);
    out.add(new Action.Renewed(req.sentAt(), Duration.ofNanos(now - req.sentAt())));
    out.add(new Action.Elected(term, id, Duration.ofNanos(now - f.candidacyStart())));
  }

  private void failed(Event.Failure f, long now, List<Action> out) {
    Request req = inFlight;
    if (req == null || req.id() != f.requestId()) {
      return;
    }
    inFlight = null;
    LeaseStoreException e = f.error();
    lastError = e;
    out.add(new Action.RequestFailed(req, e, Duration.ofNanos(now - req.sentAt())));
    boolean conflict = e instanceof LeaseStoreException.Conflict;
    boolean notFound = e instanceof LeaseStoreException.NotFound;
    if (!conflict && !notFound) {
      failures++;
    }
    switch (req.purpose()) {
      case OBSERVE, ACQUIRE -> {
        if (conflict) {
          view = view.stale(); // lost the race: read again, then wait for that record
        } else if (notFound) {
          observed(null, null, now, out); // deleted under our update
        } else {
          retryAt = now + followerBackoff();
        }
      }
      case RENEW -> {
        if (role instanceof Leading l && l.term().equals(req.term())) {
          if (conflict) {
            // Someone wrote the lease (a hand edit, a label, a rival): a fresh read decides (rule 10).
            role = new Leading(l.term(), l.renewSentAt(), l.lease(), l.nextRenewAt(), true, l.announcementId());
          } else if (notFound) {
            observed(null, null, now, out); // deleted: the next step recreates it (rule 11)
          } else {
            retryAt = now + retryPeriod; // retried until the deadline (rule 10)
          }
        }
      }
      case VERIFY -> retryAt = now + retryPeriod;
      case RELEASE_READ, RELEASE -> {
        if (role instanceof Releasing r) {
          if (conflict && r.attempts() + 1 < RELEASE_ATTEMPTS) {
            role = r.retry();
          } else {
            finishRelease(r, now, false, out); // it expires on its own
          }
        }
      }
    }
    if (role instanceof Closing) {
      closed(out); // what was in flight at close failed: nothing (more) to release
    }
  }

  private void stepDown(long now, List<Action> out) {
    if (role instanceof Leading l) {
      loseInto(l, LossReason.RELEASED, now, out, true, false, true);
    } else if (role instanceof Following f) {
      role = new Following(now + config.stepDownCooldown().toNanos(), f.candidacyStart());
      out.add(new Action.StepDownDone(false));
    } else if (role instanceof Releasing r) {
      role = r.stepDownToo();
    } else {
      out.add(new Action.StepDownDone(false));
    }
  }

  private void delivered(long announcementId) {
    if (role instanceof Releasing r && r.lostId() == announcementId && !r.drained()) {
      role = r.drainedNow();
    }
  }

  private void close(long now, List<Action> out) {
    if (role instanceof Leading l) {
      loseInto(l, LossReason.SHUTDOWN, now, out, config.releaseOnShutdown(), true, false);
    } else if (role instanceof Releasing r) {
      role = r.closing(); // the release goes on; then close
    } else if (role instanceof Following && inFlight != null && inFlight.purpose() == Purpose.ACQUIRE) {
      role = new Closing();
    } else if (role instanceof New || role instanceof Following) {
      closed(out);
    }
  }

  /** Rule 23: leader work that outlives the shutdown timeout never leads to a release. */
  private void drainTimeout(long now, List<Action> out) {
    if (role instanceof Releasing r && !r.drained() && now >= r.drainUntil()) {
      out.add(new Action.DrainTimedOut(r.term(), config.shutdownTimeout()));
      finishRelease(r, now, false, out);
    }
  }

  // ============================================================================================
  // Step 3: the next request
  // ============================================================================================

  private void next(Now now, List<Action> out) {
    long t = now.mono();
    if (role instanceof Following f) {
      if (t < f.cooldownUntil() || t < retryAt) {
        return;
      }
      if (!view.known() || view.needsRead()) {
        send(Op.GET, Purpose.OBSERVE, null, null, null, t, out);
      } else if (view.lease() == null) {
        boolean due = t >= absentFreeAt();
        if (silent(t) || due && t - view.lastHeardAt() > createFreshness) {
          // A create has no precondition but absence, and a create and a delete we did not
          // hear of (a pause, a slow or stalled watch) would make it a second leader (rule 11):
          // it goes only right after a read or an event showed the lease absent.
          send(Op.GET, Purpose.OBSERVE, null, null, null, t, out);
        } else if (due) {
          // Keep the token growing after a deletion, so fencing stays monotonic (rule 6).
          int transitions = view.highestTransitions() < 0 ? 0 : view.highestTransitions() + 1;
          send(Op.CREATE, Purpose.ACQUIRE, null,
              new LeaseRecord(identity, leaseDurationSeconds(), now.wall(), now.wall(), transitions), null, t, out);
        }
      } else if (isFree(view.lease().record(), t)) {
        send(Op.UPDATE, Purpose.ACQUIRE, view.lease(), acquireRecord(view.lease().record(), now.wall()), null, t, out);
      } else if (silent(t)) {
        send(Op.GET, Purpose.OBSERVE, null, null, null, t, out);
      }
    } else if (role instanceof Leading l) {
      if (t < retryAt) {
        return;
      }
      if (l.verify()) {
        send(Op.GET, Purpose.VERIFY, null, null, l.term(), t, out);
      } else if (t >= l.nextRenewAt()) {
        LeaseRecord own = ownRecord(l, now.wall());
        if (view.known() && view.lease() == null) {
          send(Op.CREATE, Purpose.RENEW, null, own, l.term(), t, out); // rule 11
        } else {
          send(Op.UPDATE, Purpose.RENEW, l.lease(), own, l.term(), t, out);
        }
      }
    } else if (role instanceof Releasing r && r.drained()) {
      if (!r.release()) {
        finishRelease(r, t, false, out);
      } else if (r.fresh() == null) {
        send(Op.GET, Purpose.RELEASE_READ, null, null, r.term(), t, out);
      } else {
        send(Op.UPDATE, Purpose.RELEASE, r.fresh(), releaseRecord(r.fresh(), now.wall()), r.term(), t, out);
      }
    }
  }

  /**
   * Released (holder "" or null, rule 8), expired (rule 1), or naming us (rule 2: still a
   * write); a free lease not naming us is taken only after the hold-back.
   */
  private boolean isFree(LeaseRecord r, long now) {
    return now >= freeAt(r);
  }

  /** When the present lease may be acquired: Long.MIN_VALUE for at once. */
  private long freeAt(LeaseRecord r) {
    if (r.isHeldBy(identity)) {
      return Long.MIN_VALUE;
    }
    return heldBack(r.isHeld() ? view.changedAt() + r.durationSeconds() * 1_000_000_000L : view.changedAt());
  }

  /** When the absent lease may be created: after any claim (rule 11), and the hold-back from when the absence was first seen. */
  private long absentFreeAt() {
    return Math.max(view.absentClaimUntil(), heldBack(view.changedAt()));
  }

  /** {@code at} plus the hold-back, saturating. */
  private long heldBack(long at) {
    return at > Long.MAX_VALUE - holdBack ? Long.MAX_VALUE : at + holdBack;
  }

  /** Nothing heard for a while although a holder renews every retry period: the watch may be stalled (rule 7). */
  private boolean silent(long now) {
    return now >= silenceAt();
  }

  private long silenceAt() {
    return view.lastHeardAt() + (long) (SILENCE_RETRY_PERIODS * retryPeriod);
  }

  /**
   * When to call again with a {@link Event.Tick} if nothing else happens first; Long.MAX_VALUE
   * for never. A call earlier than needed is harmless.
   */
  public long wakeAt() {
    long wake = Long.MAX_VALUE;
    if (role instanceof Leading l) {
      wake = l.renewSentAt() + renewDeadline;
      if (inFlight == null && !l.verify()) {
        wake = Math.min(wake, Math.max(l.nextRenewAt(), retryAt));
      } else if (inFlight == null) {
        wake = Math.min(wake, retryAt);
      }
    } else if (role instanceof Releasing r && !r.drained()) {
      wake = r.drainUntil();
    } else if (role instanceof Following f && inFlight == null) {
      long gate = Math.max(f.cooldownUntil(), retryAt);
      if (!view.known() || view.needsRead()) {
        wake = gate;
      } else if (view.lease() == null) {
        wake = Math.max(gate, Math.min(absentFreeAt(), silenceAt()));
      } else {
        wake = Math.max(gate, Math.min(freeAt(view.lease().record()), silenceAt()));
      }
    }
    return wake;
  }

  // ============================================================================================
  // Transitions shared by several events
  // ============================================================================================

  /** Stops acting at once (rule 3) and tells listeners; keeps competing (rule 12). */
  private void lose(Leading l, LossReason reason, long now, List<Action> out) {
    // Someone else wrote the lease: let the others take a record cleared by hand first, rather
    // than grabbing it back on the same event. After a lapse, re-acquire at once (a new term).
    long holdOff = reason == LossReason.LEASE_TAKEN ? now + retryPeriod : Long.MIN_VALUE;
    role = new Following(holdOff, now);
    retryAt = Long.MIN_VALUE;
    out.add(new Action.Lost(l.term(), reason, nextId++));
  }

  /** Stops acting and waits for leader work to stop before a release (rules 5, 13, 22, 23). */
  private void loseInto(Leading l, LossReason reason, long now, List<Action> out, boolean release,
      boolean closeAfter, boolean stepDown) {
    long id = nextId++;
    role = new Releasing(l.term(), id, false, now + config.shutdownTimeout().toNanos(), release, null, 0,
        closeAfter, stepDown);
    retryAt = Long.MIN_VALUE;
    out.add(new Action.Lost(l.term(), reason, id));
  }

  private void finishRelease(Releasing r, long now, boolean released, List<Action> out) {
    if (r.stepDownPending()) {
      out.add(new Action.StepDownDone(released));
    }
    if (r.closeAfter()) {
      closed(out);
    } else {
      role = new Following(now + config.stepDownCooldown().toNanos(), now);
    }
  }

  private void closed(List<Action> out) {
    role = new Closed();
    inFlight = null;
    out.add(new Action.Closed());
  }

  private void send(Op op, Purpose purpose, VersionedLease base, LeaseRecord record, LeadershipTerm term,
      long now, List<Action> out) {
    inFlight = new Request(nextId++, op, purpose, base, record, term, now);
    out.add(new Action.Send(inFlight));
  }

  // ============================================================================================
  // Records written
  // ============================================================================================

  /** Taking over: exactly +1 per change of holder, never on re-acquiring our own record (rule 19). */
  private LeaseRecord acquireRecord(LeaseRecord old, Instant wall) {
    boolean ours = old.isHeldBy(identity);
    int transitions = ours ? old.transitions()
        // A lease recreated by someone who never saw the old one restarts at 0: keep growing.
        : Math.max(old.transitions(), view.highestTransitions()) + 1;
    Instant acquired = ours && old.acquireTime() != null ? old.acquireTime() : wall;
    return new LeaseRecord(identity, leaseDurationSeconds(), acquired, wall, transitions);
  }

  /** A renewal: our identity and duration; acquireTime and a hand-edited transition count kept. */
  private LeaseRecord ownRecord(Leading l, Instant wall) {
    LeaseRecord previous = view.lease() != null ? view.lease().record() : l.lease().record();
    boolean ours = previous.isHeldBy(identity);
    Instant acquired = ours && previous.acquireTime() != null ? previous.acquireTime() : l.term().acquiredAt();
    int transitions = ours ? previous.transitions() : Math.max(l.lease().record().transitions(), view.highestTransitions());
    return new LeaseRecord(identity, leaseDurationSeconds(), acquired, wall, transitions);
  }

  /**
   * Rule 6: the resourceVersion of the acquiring write. The API server orders the versions of
   * one resource type (comparable resourceVersions are part of Kubernetes conformance since
   * 1.35; etcd's revision and kine's row id behave so on every version), and a version is never
   * reused, also after a delete and a recreate. So a token never goes back for one Lease name,
   * whoever acquires, even a process that never saw the Lease before it was deleted, which the
   * transition count cannot promise. A server whose versions are not numbers gets the
   * transition count instead.
   */
  static long fencingToken(VersionedLease written) {
    long rv = LeaseView.parse(written.resourceVersion());
    return rv >= 0 ? rv : written.record().transitions();
  }

  /** Rule 5: holder "", duration 1 s, transitions kept. */
  private static LeaseRecord releaseRecord(VersionedLease fresh, Instant wall) {
    return new LeaseRecord("", 1, wall, wall, fresh.record().transitions());
  }

  private int leaseDurationSeconds() {
    return (int) config.leaseDuration().toSeconds();
  }

  private long followerBackoff() {
    // RP, 2 RP, then 4 RP: spares a failing server without delaying a takeover by much, and any
    // watch event ends the back-off early.
    return retryPeriod << Math.min(Math.max(failures - 1, 0), MAX_BACKOFF_DOUBLINGS);
  }

  /** Whether {@code seen}, observed while our create was in flight, is a lease older than ours. */
  private boolean createdAndDeletedInFlight(VersionedLease seen, VersionedLease written) {
    if (seen == null) {
      return false;
    }
    long vs = LeaseView.parse(seen.resourceVersion());
    long vw = LeaseView.parse(written.resourceVersion());
    // Our own create, echoed by the watch before the answer, is the same version. Without
    // comparable versions, a foreign holder is the sign.
    return vs >= 0 && vw >= 0 ? vs < vw : !seen.record().isHeldBy(identity);
  }

  private static boolean isNewer(VersionedLease a, VersionedLease b) {
    long va = LeaseView.parse(a.resourceVersion());
    long vb = LeaseView.parse(b.resourceVersion());
    return va >= 0 && vb >= 0 && va > vb;
  }

  private static boolean changedSince(LeaseView before, LeaseView after) {
    if (before.lease() == null || after.lease() == null) {
      return before.lease() != after.lease();
    }
    return after.lease().record().differsFrom(before.lease().record());
  }

  // ============================================================================================
  // Output for readers
  // ============================================================================================

  /** The role now. */
  public Role role() {
    return role;
  }

  /** What is known of the lease now. */
  public LeaseView view() {
    return view;
  }

  /** The request in flight, or null. */
  public Request inFlight() {
    return inFlight;
  }

  /** The last failure since the last success, or null. */
  public LeaseStoreException lastError() {
    return lastError;
  }
}
