package io.github.leaderelection.core.machine;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.LeaseRecord;
import io.github.leaderelection.core.LeaseStoreException;
import io.github.leaderelection.core.LossReason;
import io.github.leaderelection.core.VersionedLease;
import io.github.leaderelection.core.machine.Request.Op;
import io.github.leaderelection.core.machine.Request.Purpose;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The machine on its own: events in, actions out, for paths the model test reaches rarely. */
class ElectionMachineTest {

  static final long S = 1_000_000_000L;
  static final Instant EPOCH = Instant.parse("2026-12-01T00:00:00Z");

  static final long MS = 1_000_000L;
  static final long RP = 2 * S;
  static final long RD = 10 * S;
  static final long LD = 15 * S;

  ElectionMachine m = new ElectionMachine(config().build());
  long now = 1_000 * S;

  static ElectionConfig.Builder config() {
    return ElectionConfig.builder("jobs").namespace("default").identity("me");
  }

  void use(ElectionConfig.Builder b) {
    m = new ElectionMachine(b.build());
  }

  /** Start, read absent, create, won: leading with the lease at resourceVersion 1. */
  Request lead() {
    Request get = sent(at(now, new Event.Start()));
    Request create = sent(at(now, new Event.Answer(get.id(), null)));
    at(now + MS, new Event.Answer(create.id(), lease("me", 1, 0)));
    assertThat(m.role()).isInstanceOf(Role.Leading.class);
    return create;
  }

  /** Start and read {@code seen}: following. */
  void follow(VersionedLease seen) {
    Request get = sent(at(now, new Event.Start()));
    at(now, new Event.Answer(get.id(), seen));
  }

  static <T extends Action> List<T> of(List<Action> actions, Class<T> type) {
    return actions.stream().filter(type::isInstance).map(type::cast).toList();
  }

  List<Action> at(long t, Event e) {
    now = t;
    return m.handle(e, new Now(t, EPOCH.plusNanos(t)));
  }

  static VersionedLease lease(String holder, int rv, int transitions) {
    return new VersionedLease(new LeaseRecord(holder, 15, null, null, transitions), Integer.toString(rv), null);
  }

  Request sent(List<Action> actions) {
    return actions.stream().filter(a -> a instanceof Action.Send).map(a -> ((Action.Send) a).request())
        .findFirst().orElseThrow(() -> new AssertionError("no request in " + actions));
  }

  /** Lets time run to the first request that is not a poll; polls find the lease absent at once. */
  Request pollAbsentUntilAWrite() {
    Request r = sent(at(m.wakeAt(), new Event.Tick()));
    for (int i = 0; i < 10_000 && r.op() == Op.GET; i++) {
      List<Action> answered = at(now, new Event.Answer(r.id(), null));
      r = sends(answered) ? sent(answered) : sent(at(m.wakeAt(), new Event.Tick()));
    }
    assertThat(r.op()).as("only polls").isNotEqualTo(Op.GET);
    return r;
  }

  boolean sends(List<Action> actions) {
    return actions.stream().anyMatch(a -> a instanceof Action.Send);
  }

  @Test
  void startsWithARead() {
    Request r = sent(at(now, new Event.Start()));
    assertThat(r.op()).isEqualTo(Op.GET);
    assertThat(r.purpose()).isEqualTo(Purpose.OBSERVE);
  }

  @Test
  void aLostCreateRaceThenAnAbsentLeaseMeansItWasDeletedUnderSomeone() {
    Request get = sent(at(now, new Event.Start()));
    Request create = sent(at(now, new Event.Answer(get.id(), null)));
    assertThat(create.op()).isEqualTo(Op.CREATE);
    Request reread = sent(at(now + S / 10, new Event.Failure(create.id(), new LeaseStoreException.Conflict("exists", null))));
    assertThat(reread.op()).isEqualTo(Op.GET);
    // Deleted again before the read: whoever created it may act until its deadline (rule 11).
    long absentSeen = now + S / 5;
    assertThat(sends(at(absentSeen, new Event.Answer(reread.id(), null)))).isFalse();
    assertThat(pollAbsentUntilAWrite().op()).isEqualTo(Op.CREATE);
    assertThat(now).isEqualTo(absentSeen + LD);
  }

  @Test
  void rule15_anObservationOlderThanWhatWasAppliedIsIgnored() {
    Request get = sent(at(now, new Event.Start()));
    List<Action> first = at(now, new Event.Answer(get.id(), lease("y", 102, 1)));
    assertThat(first).contains(new Action.NewLeader("y"));
    List<Action> older = at(now + S, new Event.Observed(lease("x", 101, 0), "101"));
    assertThat(older).doesNotContain(new Action.NewLeader("x"));
    assertThat(m.view().holder()).isEqualTo("y");
  }

  @Test
  void rule3_theDeadlineEndsAcquiringEvenWhenTheEventIsADeletion() {
    Request get = sent(at(now, new Event.Start()));
    Request create = sent(at(now, new Event.Answer(get.id(), null)));
    List<Action> won = at(now + S / 100, new Event.Answer(create.id(), lease("me", 1, 0)));
    assertThat(won).anyMatch(a -> a instanceof Action.Elected);
    long acquired = create.sentAt();
    // Paused past the deadline; the first event after it is a deletion.
    List<Action> after = at(acquired + 11 * S, new Event.Observed(null, "2"));
    assertThat(after).anyMatch(a -> a instanceof Action.Lost l && l.reason() == LossReason.DEADLINE_PASSED);
    assertThat(sends(after)).as("recreated the lease of a lapsed term").isFalse();
  }

  @Test
  void rule23_aDrainTimeoutSkipsTheRelease() {
    Request get = sent(at(now, new Event.Start()));
    Request create = sent(at(now, new Event.Answer(get.id(), null)));
    at(now, new Event.Answer(create.id(), lease("me", 1, 0)));
    Request renew = sent(at(now + 2 * S, new Event.Tick()));
    at(now, new Event.Answer(renew.id(), lease("me", 2, 0)));
    List<Action> close = at(now + S, new Event.Close());
    assertThat(close).anyMatch(a -> a instanceof Action.Lost);
    List<Action> timeout = at(now + 10 * S, new Event.Tick());
    assertThat(timeout).anyMatch(a -> a instanceof Action.DrainTimedOut);
    assertThat(timeout).anyMatch(a -> a instanceof Action.Closed);
    assertThat(sends(timeout)).isFalse();
  }

  @Test
  void aWatchedRecordOfSomeoneElseNewerThanOurWriteEndsLeadershipAtOnce() {
    Request get = sent(at(now, new Event.Start()));
    Request create = sent(at(now, new Event.Answer(get.id(), null)));
    at(now, new Event.Answer(create.id(), lease("me", 5, 0)));
    List<Action> taken = at(now + S, new Event.Observed(lease("other", 6, 1), "6"));
    assertThat(taken).anyMatch(a -> a instanceof Action.Lost l && l.reason() == LossReason.LEASE_TAKEN);
    assertThat(m.role()).isInstanceOf(Role.Following.class);
  }

  // --- paths the model test reaches rarely, one test each -----------------------------------

  @Test
  void aWatchEventEndsAFollowersBackOff() {
    follow(lease("", 7, 1)); // free: acquiring
    Request acquire = m.inFlight();
    assertThat(acquire.purpose()).isEqualTo(Purpose.ACQUIRE);
    assertThat(sends(at(now, new Event.Failure(acquire.id(), new LeaseStoreException("503", 503, null))))).isFalse();
    assertThat(m.lastError()).isNotNull();
    assertThat(m.wakeAt()).isEqualTo(now + RP);
    List<Action> seen = at(now + S / 10, new Event.Observed(lease("", 8, 1), "8"));
    assertThat(sent(seen).purpose()).isEqualTo(Purpose.ACQUIRE); // at once, not after the back-off
  }

  @Test
  void anOlderEventNeitherAppliesNorEndsTheBackOff() {
    follow(lease("", 7, 1));
    Request acquire = m.inFlight();
    at(now, new Event.Failure(acquire.id(), new LeaseStoreException("503", 503, null)));
    List<Action> old = at(now + S / 10, new Event.Observed(lease("x", 6, 0), "6"));
    assertThat(old).isEmpty();
    assertThat(m.view().resourceVersion()).isEqualTo(7);
  }

  @Test
  void nothingIsObservedBeforeStartOrAfterClose() {
    assertThat(at(now, new Event.Observed(lease("x", 6, 0), "6"))).isEmpty();
    assertThat(m.role()).isInstanceOf(Role.New.class);
    assertThat(at(now, new Event.Close())).containsExactly(new Action.Closed());
    assertThat(at(now, new Event.Observed(lease("x", 7, 0), "7"))).isEmpty();
    assertThat(m.wakeAt()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void followerBackOffDoublesToFourRetryPeriods() {
    Request get = sent(at(now, new Event.Start()));
    long[] expected = {RP, 2 * RP, 4 * RP, 4 * RP};
    for (long delay : expected) {
      at(now, new Event.Failure(get.id(), new LeaseStoreException("io", 0, null)));
      assertThat(m.wakeAt() - now).isEqualTo(delay);
      assertThat(sends(at(m.wakeAt() - 1, new Event.Tick()))).isFalse();
      get = sent(at(now + 1, new Event.Tick()));
    }
  }

  @Test
  void aHandEditOfOurOwnRecordBecomesTheBaseOfTheNextRenewal() {
    lead();
    at(now + S, new Event.Observed(new VersionedLease(new LeaseRecord("me", 3600, null, null, 0), "3", null), "3"));
    Request renew = sent(at(now + RP, new Event.Tick()));
    assertThat(renew.base().resourceVersion()).isEqualTo("3");
    assertThat(renew.record().leaseDurationSeconds()).isEqualTo(15);
  }

  @Test
  void aForeignRecordAtTheSameVersionIsVerifiedNotTakenOnFaith() {
    lead();
    List<Action> same = at(now + S, new Event.Observed(lease("other", 1, 1), "1"));
    assertThat(of(same, Action.Lost.class)).isEmpty();
    assertThat(sent(same).purpose()).isEqualTo(Purpose.VERIFY);
    List<Action> notNumbers = at(now, new Event.Answer(m.inFlight().id(), new VersionedLease(
        new LeaseRecord("other", 15, null, null, 2), "x-1", null)));
    assertThat(of(notNumbers, Action.Lost.class)).singleElement()
        .satisfies(l -> assertThat(l.reason()).isEqualTo(LossReason.LEASE_TAKEN));
  }

  @Test
  void aPollThatFindsAMissedChangeRestartsTheWatch() {
    follow(lease("other", 5, 0));
    Request poll = sent(at(now + 3 * S, new Event.Tick())); // 1.5 RP of silence
    assertThat(poll.purpose()).isEqualTo(Purpose.OBSERVE);
    assertThat(at(now + MS, new Event.Answer(poll.id(), lease("other", 5, 0)))).isEmpty(); // no change
    Request poll2 = sent(at(now + 3 * S, new Event.Tick()));
    VersionedLease changed = new VersionedLease(new LeaseRecord("other", 15, null, Instant.EPOCH, 0), "9", null);
    assertThat(at(now + MS, new Event.Answer(poll2.id(), changed))).contains(new Action.RestartWatch());
  }

  @Test
  void aWatchHeardAfterThePollWasSentIsNotRestarted() {
    follow(lease("other", 5, 0));
    Request poll = sent(at(now + 3 * S, new Event.Tick()));
    at(now + MS, new Event.Progress("5")); // the watch is alive after all
    VersionedLease changed = new VersionedLease(new LeaseRecord("other", 15, null, Instant.EPOCH, 0), "9", null);
    assertThat(at(now + MS, new Event.Answer(poll.id(), changed))).doesNotContain(new Action.RestartWatch());
  }

  @Test
  void aBookmarkCountsAsHearingFromTheWatch() {
    follow(lease("other", 5, 0));
    long read = now;
    at(read + 2 * S, new Event.Progress("5"));
    assertThat(sends(at(read + 3 * S + MS, new Event.Tick()))).isFalse();
    assertThat(m.wakeAt()).isEqualTo(read + 2 * S + 3 * S);
  }

  @Test
  void renewedAndFailedActionsCarryTheirTimes() {
    Request create = lead();
    Request renew = sent(at(create.sentAt() + RP, new Event.Tick()));
    List<Action> ok = at(renew.sentAt() + 30 * MS, new Event.Answer(renew.id(), lease("me", 2, 0)));
    assertThat(of(ok, Action.Renewed.class)).containsExactly(new Action.Renewed(renew.sentAt(), Duration.ofMillis(30)));
    Request next = sent(at(renew.sentAt() + RP, new Event.Tick()));
    List<Action> failed = at(next.sentAt() + 40 * MS, new Event.Failure(next.id(), new LeaseStoreException("io", 0, null)));
    assertThat(of(failed, Action.RequestFailed.class)).singleElement()
        .satisfies(f -> assertThat(f.latency()).isEqualTo(Duration.ofMillis(40)));
    assertThat(m.wakeAt()).isEqualTo(now + RP); // retried every retry period until the deadline
  }

  @Test
  void theElectedActionSaysHowLongTheCandidacyTook() {
    Request get = sent(at(now, new Event.Start()));
    Request create = sent(at(now + S, new Event.Answer(get.id(), null)));
    List<Action> won = at(now + 5 * MS, new Event.Answer(create.id(), lease("me", 1, 0)));
    assertThat(of(won, Action.Elected.class)).singleElement()
        .satisfies(e -> assertThat(e.sinceCandidacy()).isEqualTo(Duration.ofMillis(1005)));
    assertThat(of(won, Action.Renewed.class)).containsExactly(new Action.Renewed(create.sentAt(), Duration.ofMillis(5)));
  }

  @Test
  void anAcquiringWriteAnsweredAtTheDeadlineIsNotLeadership() {
    Request get = sent(at(now, new Event.Start()));
    Request create = sent(at(now, new Event.Answer(get.id(), null)));
    List<Action> late = at(create.sentAt() + RD, new Event.Answer(create.id(), lease("me", 1, 0)));
    assertThat(of(late, Action.Elected.class)).isEmpty();
    Request again = sent(late); // re-acquires its own record with a fresh write
    assertThat(again.purpose()).isEqualTo(Purpose.ACQUIRE);
    List<Action> won = at(again.sentAt() + RD - 1, new Event.Answer(again.id(), lease("me", 2, 0)));
    assertThat(of(won, Action.Elected.class)).hasSize(1);
  }

  @Test
  void anAcquisitionOvertakenByANewerForeignRecordIsVerifiedFirst() {
    Request get = sent(at(now, new Event.Start()));
    Request create = sent(at(now, new Event.Answer(get.id(), null)));
    at(now + MS, new Event.Observed(lease("other", 2, 1), "2")); // a hand edit after our create
    List<Action> won = at(now + MS, new Event.Answer(create.id(), lease("me", 1, 0)));
    assertThat(of(won, Action.Elected.class)).hasSize(1);
    assertThat(sent(won).purpose()).isEqualTo(Purpose.VERIFY);
  }

  @Test
  void verifyAnswersDecide() {
    Request create = lead();
    Request renew = sent(at(create.sentAt() + RP, new Event.Tick()));
    Request verify = sent(at(now, new Event.Failure(renew.id(), new LeaseStoreException.Conflict("stale", null))));
    assertThat(verify.purpose()).isEqualTo(Purpose.VERIFY);
    // Still ours: renew at once on the fresh record.
    Request again = sent(at(now + MS, new Event.Answer(verify.id(), lease("me", 4, 0))));
    assertThat(again.purpose()).isEqualTo(Purpose.RENEW);
    assertThat(again.base().resourceVersion()).isEqualTo("4");
    // Conflict again, and this time the lease is gone: recreate it with our term (rule 11).
    Request verify2 = sent(at(now, new Event.Failure(again.id(), new LeaseStoreException.Conflict("stale", null))));
    Request recreate = sent(at(now + MS, new Event.Answer(verify2.id(), null)));
    assertThat(recreate.op()).isEqualTo(Op.CREATE);
    assertThat(recreate.purpose()).isEqualTo(Purpose.RENEW);
    // A failed verify is retried a retry period later.
    Request verify3 = sent(at(now, new Event.Failure(recreate.id(), new LeaseStoreException.Conflict("exists", null))));
    at(now, new Event.Failure(verify3.id(), new LeaseStoreException("io", 0, null)));
    assertThat(m.wakeAt()).isEqualTo(now + RP);
    Request verify4 = sent(at(now + RP, new Event.Tick()));
    assertThat(verify4.purpose()).isEqualTo(Purpose.VERIFY);
    // Someone else's: lost at once.
    List<Action> taken = at(now + MS, new Event.Answer(verify4.id(), lease("other", 9, 1)));
    assertThat(of(taken, Action.Lost.class)).singleElement()
        .satisfies(l -> assertThat(l.reason()).isEqualTo(LossReason.LEASE_TAKEN));
  }

  @Test
  void aRenewalOfADeletedLeaseRecreatesIt() {
    Request create = lead();
    Request renew = sent(at(create.sentAt() + RP, new Event.Tick()));
    Request recreate = sent(at(now, new Event.Failure(renew.id(), new LeaseStoreException.NotFound("gone", null))));
    assertThat(recreate.op()).isEqualTo(Op.CREATE);
    assertThat(recreate.record().holder()).isEqualTo("me");
  }

  @Test
  void aReleaseSkipsARecordThatNoLongerNamesUs() {
    lead();
    List<Action> close = at(now + S, new Event.Close());
    long lost = of(close, Action.Lost.class).get(0).announcementId();
    Request read = sent(at(now + MS, new Event.Delivered(lost)));
    assertThat(read.purpose()).isEqualTo(Purpose.RELEASE_READ);
    List<Action> skipped = at(now + MS, new Event.Answer(read.id(), lease("other", 5, 1)));
    assertThat(skipped).contains(new Action.ReleaseSkipped(read.term(), "other"), new Action.Closed());
    assertThat(sends(skipped)).isFalse();
  }

  @Test
  void aReleaseRetriesConflictsABoundedNumberOfTimes() {
    lead();
    long lost = of(at(now + S, new Event.Close()), Action.Lost.class).get(0).announcementId();
    Request read = sent(at(now, new Event.Delivered(lost)));
    int reads = 1;
    List<Action> last = List.of();
    while (true) {
      Request write = sent(at(now, new Event.Answer(read.id(), lease("me", 10 + reads, 0))));
      assertThat(write.purpose()).isEqualTo(Purpose.RELEASE);
      assertThat(write.record().holder()).isEmpty();
      last = at(now, new Event.Failure(write.id(), new LeaseStoreException.Conflict("stale", null)));
      if (!sends(last)) {
        break;
      }
      read = sent(last);
      reads++;
    }
    assertThat(reads).isEqualTo(3);
    assertThat(last).contains(new Action.Closed());
    assertThat(of(last, Action.Released.class)).isEmpty();
  }

  @Test
  void aFailedReleaseLeavesTheLeaseToExpire() {
    lead();
    long lost = of(at(now + S, new Event.Close()), Action.Lost.class).get(0).announcementId();
    Request read = sent(at(now, new Event.Delivered(lost)));
    List<Action> failed = at(now, new Event.Failure(read.id(), new LeaseStoreException("io", 0, null)));
    assertThat(failed).contains(new Action.Closed());
    assertThat(sends(failed)).isFalse();
  }

  @Test
  void closeWithoutReleaseOnShutdownStillWaitsForTheListeners() {
    use(config().releaseOnShutdown(false));
    lead();
    long lost = of(at(now + S, new Event.Close()), Action.Lost.class).get(0).announcementId();
    assertThat(m.role()).isInstanceOf(Role.Releasing.class);
    List<Action> done = at(now + MS, new Event.Delivered(lost));
    assertThat(done).containsExactly(new Action.Closed());
  }

  @Test
  void closeWhileAnAcquiringWriteIsInFlightReleasesWhatItWon() {
    Request get = sent(at(now, new Event.Start()));
    Request create = sent(at(now, new Event.Answer(get.id(), null)));
    assertThat(at(now + MS, new Event.Close())).isEmpty();
    assertThat(m.role()).isInstanceOf(Role.Closing.class);
    List<Action> won = at(now + MS, new Event.Answer(create.id(), lease("me", 1, 0)));
    assertThat(of(won, Action.Elected.class)).isEmpty();
    Request release = sent(won);
    assertThat(release.purpose()).isEqualTo(Purpose.RELEASE);
    assertThat(release.base().resourceVersion()).isEqualTo("1");
    assertThat(at(now + MS, new Event.Answer(release.id(), lease("", 2, 0)))).containsExactly(new Action.Closed());
  }

  @Test
  void closeWhileAnAcquiringWriteIsInFlightEndsWhenItFailsOrWithoutRelease() {
    Request get = sent(at(now, new Event.Start()));
    Request create = sent(at(now, new Event.Answer(get.id(), null)));
    at(now + MS, new Event.Close());
    assertThat(at(now + MS, new Event.Failure(create.id(), new LeaseStoreException.Conflict("exists", null))))
        .contains(new Action.Closed());

    use(config().releaseOnShutdown(false));
    get = sent(at(now, new Event.Start()));
    create = sent(at(now, new Event.Answer(get.id(), null)));
    at(now + MS, new Event.Close());
    List<Action> won = at(now + MS, new Event.Answer(create.id(), lease("me", 1, 0)));
    assertThat(won).contains(new Action.Closed());
    assertThat(sends(won)).isFalse();

    use(config());
    get = sent(at(now, new Event.Start()));
    create = sent(at(now, new Event.Answer(get.id(), null)));
    at(now + MS, new Event.Close());
    Request release = sent(at(now + MS, new Event.Answer(create.id(), lease("me", 1, 0))));
    assertThat(at(now + MS, new Event.Failure(release.id(), new LeaseStoreException("io", 0, null))))
        .contains(new Action.Closed());
  }

  @Test
  void closeWhileAReadIsInFlightClosesAtOnce() {
    sent(at(now, new Event.Start()));
    assertThat(at(now, new Event.Close())).containsExactly(new Action.Closed());
    assertThat(m.role()).isInstanceOf(Role.Closed.class);
    assertThat(m.inFlight()).isNull();
  }

  @Test
  void stepDownAsAFollowerOnlyCoolsDown() {
    use(config().stepDownCooldown(Duration.ofSeconds(5)));
    follow(lease("other", 5, 0));
    assertThat(at(now, new Event.StepDown())).containsExactly(new Action.StepDownDone(false));
    List<Action> released = at(now + S, new Event.Observed(lease("", 6, 0), "6"));
    assertThat(sends(released)).isFalse(); // cooling down
    assertThat(m.wakeAt()).isEqualTo(now - S + 5 * S);
    assertThat(sent(at(now + 4 * S, new Event.Tick())).purpose()).isEqualTo(Purpose.ACQUIRE);
  }

  @Test
  void stepDownDuringAReleaseCompletesWithIt() {
    lead();
    long lost = of(at(now + S, new Event.Close()), Action.Lost.class).get(0).announcementId();
    assertThat(at(now, new Event.StepDown())).isEmpty();
    Request read = sent(at(now, new Event.Delivered(lost)));
    Request write = sent(at(now, new Event.Answer(read.id(), lease("me", 5, 0))));
    List<Action> done = at(now, new Event.Answer(write.id(), lease("", 6, 0)));
    assertThat(done).contains(new Action.StepDownDone(true), new Action.Closed());
  }

  @Test
  void stepDownBeforeStartOrAfterCloseIsANoOp() {
    assertThat(at(now, new Event.StepDown())).containsExactly(new Action.StepDownDone(false));
  }

  @Test
  void aStepDownReleasesThenCoolsDown() {
    use(config().stepDownCooldown(Duration.ofSeconds(5)));
    lead();
    long lost = of(at(now + S, new Event.StepDown()), Action.Lost.class).get(0).announcementId();
    at(now, new Event.Delivered(lost + 100)); // another notification: still draining
    assertThat(m.inFlight()).isNull();
    Request read = sent(at(now, new Event.Delivered(lost)));
    Request write = sent(at(now, new Event.Answer(read.id(), lease("me", 5, 0))));
    List<Action> done = at(now, new Event.Answer(write.id(), lease("", 6, 0)));
    assertThat(done).contains(new Action.StepDownDone(true));
    assertThat(of(done, Action.Released.class)).hasSize(1);
    assertThat(m.role()).isInstanceOf(Role.Following.class);
    assertThat(sends(at(now + 4 * S, new Event.Tick()))).isFalse();
    assertThat(sent(at(now + S, new Event.Tick())).purpose()).isEqualTo(Purpose.ACQUIRE);
  }

  @Test
  void aRecreatedLeaseContinuesTheTransitionCount() {
    follow(lease("other", 5, 0));
    long deleted = now + S;
    at(deleted, new Event.Observed(null, "6"));
    Request create = pollAbsentUntilAWrite();
    assertThat(create.op()).isEqualTo(Op.CREATE);
    assertThat(now).isEqualTo(deleted + LD);
    assertThat(create.record().transitions()).isEqualTo(1);
  }

  @Test
  void aDeletedLongClaimIsHonouredToItsEnd() {
    follow(new VersionedLease(new LeaseRecord("stuck", 3600, null, null, 4), "5", null));
    long seen = now;
    at(seen + 10 * S, new Event.Observed(null, "6"));
    assertThat(m.view().absentClaimUntil()).isEqualTo(seen + 3600 * S);
    Request create = pollAbsentUntilAWrite(); // only polls meanwhile
    assertThat(create.op()).isEqualTo(Op.CREATE);
    assertThat(now).isEqualTo(seen + 3600 * S);
    assertThat(create.record().transitions()).isEqualTo(5);
  }

  @Test
  void aDeletedShortClaimStillWaitsALeaseDurationFromTheDeletion() {
    follow(new VersionedLease(new LeaseRecord("other", 1, null, null, 0), "5", null));
    long deleted = now + 10 * S;
    at(deleted, new Event.Observed(null, "6"));
    assertThat(m.view().absentClaimUntil()).isEqualTo(deleted + LD);
    Request poll = sent(at(deleted + 4 * S, new Event.Tick()));
    at(now, new Event.Answer(poll.id(), null)); // a read finds it still absent: the claim stays
    assertThat(m.view().absentClaimUntil()).isEqualTo(deleted + LD);
  }

  @Test
  void rule11_aDeletionAtANewerVersionIsANewDeletionAndRestartsTheClaim() {
    follow(new VersionedLease(new LeaseRecord("other", 15, null, null, 0), "5", null));
    long deleted = now + S;
    at(deleted, new Event.Observed(null, "6"));
    // Deleted again at 9: it was recreated in between (events 7, 8 lost), maybe by a leader
    // that still acts.
    long again = deleted + 5 * S;
    at(again, new Event.Observed(null, "9"));
    assertThat(m.view().absentClaimUntil()).isEqualTo(again + LD);
    assertThat(pollAbsentUntilAWrite().op()).isEqualTo(Op.CREATE);
    assertThat(now).as("created on the first deletion's claim").isEqualTo(again + LD);
  }

  @Test
  void rule11_aCreateThatWinsOverALeaseCreatedAndDeletedDuringItsFlightDoesNotLead() {
    Request get = sent(at(now, new Event.Start()));
    Request create = sent(at(now, new Event.Answer(get.id(), null)));
    assertThat(create.op()).isEqualTo(Op.CREATE);
    // While our create is in flight, a rival creates the lease (5), it is deleted (6, unseen)
    // and our create applies (7): the rival may be acting and has not seen the deletion yet.
    long seen = now + 100 * MS;
    at(seen, new Event.Observed(lease("rival", 5, 0), "5"));
    List<Action> won = at(seen + 400 * MS, new Event.Answer(create.id(), lease("me", 7, 0)));
    assertThat(won).noneMatch(a -> a instanceof Action.Elected);
    assertThat(m.role()).isInstanceOf(Role.Following.class);
    assertThat(((Role.Following) m.role()).cooldownUntil()).isEqualTo(seen + 400 * MS + LD);
    // One LD after learning of the deletion, it takes its own record with a fresh write.
    Request retake = sent(at(((Role.Following) m.role()).cooldownUntil(), new Event.Tick()));
    assertThat(now).isGreaterThanOrEqualTo(seen + 400 * MS + LD);
    assertThat(retake.op()).isEqualTo(Op.UPDATE);
    assertThat(retake.purpose()).isEqualTo(Purpose.ACQUIRE);
  }

  @Test
  void rule11_aCreateGoesRightAfterAReadThatShowedTheLeaseAbsent() {
    follow(new VersionedLease(new LeaseRecord("other", 15, null, null, 0), "5", null));
    long deleted = now + S;
    at(deleted, new Event.Observed(null, "6"));
    for (long t = deleted + 2 * S; t <= deleted + 14 * S; t += 2 * S) {
      at(t, new Event.Progress("6")); // bookmarks: the watch is alive, last heard 1 s before the claim ends
    }
    // Within that second a rival may have created the lease and someone deleted it again,
    // unseen by a slow watch: read first, create on that answer.
    Request read = sent(at(deleted + LD, new Event.Tick()));
    assertThat(read.op()).isEqualTo(Op.GET);
    Request create = sent(at(now + 10 * MS, new Event.Answer(read.id(), null)));
    assertThat(create.op()).isEqualTo(Op.CREATE);
  }

  /** Deleted at {@code deleted}; then a poll answered {@code gap} after that: is the first claim kept? */
  private boolean claimKeptAfterAReadAfter(long gap) {
    m = new ElectionMachine(config().build());
    follow(new VersionedLease(new LeaseRecord("other", 15, null, null, 0), "5", null));
    long deleted = now + S;
    at(deleted, new Event.Observed(null, "6"));
    Request poll = sent(at(deleted + 3 * S, new Event.Tick()));
    at(deleted + gap, new Event.Answer(poll.id(), null));
    return m.view().absentClaimUntil() == deleted + LD;
  }

  @Test
  void rule11_absenceReadsUpToTwoRetryPeriodsPlusTheRequestTimeoutApartAreOneAbsence() {
    long bound = 2 * RP + 5 * S; // the default request timeout: half the renew deadline
    assertThat(claimKeptAfterAReadAfter(bound)).isTrue();
    assertThat(claimKeptAfterAReadAfter(bound + MS)).isFalse();
  }

  @Test
  void rule11_aLongerClaimSurvivesASilence() {
    follow(new VersionedLease(new LeaseRecord("stuck", 3600, null, null, 4), "5", null));
    long seen = now;
    at(seen + S, new Event.Observed(null, "6"));
    Request first = sent(at(seen + 100 * S, new Event.Tick())); // a long pause
    at(now, new Event.Answer(first.id(), null));
    assertThat(m.view().absentClaimUntil()).isEqualTo(seen + 3600 * S);
  }

  @Test
  void rule11_theSameDeletionSeenAgainKeepsItsClaim() {
    follow(new VersionedLease(new LeaseRecord("other", 15, null, null, 0), "5", null));
    long deleted = now + S;
    at(deleted, new Event.Observed(null, "6"));
    at(deleted + S, new Event.Observed(null, "6"));
    assertThat(m.view().absentClaimUntil()).isEqualTo(deleted + LD);
  }

  /** At the claim's end, absence last heard {@code age} ago: the request that follows. */
  private Op requestAtClaimEndHeard(long age) {
    m = new ElectionMachine(config().build());
    follow(new VersionedLease(new LeaseRecord("other", 15, null, null, 0), "5", null));
    long deleted = now + S;
    at(deleted, new Event.Observed(null, "6"));
    for (long t = deleted + 2 * S; t < deleted + LD - age; t += 2 * S) {
      at(t, new Event.Progress("6"));
    }
    at(deleted + LD - age, new Event.Progress("6"));
    return sent(at(deleted + LD, new Event.Tick())).op();
  }

  @Test
  void rule11_aCreateNeedsAbsenceHeardOfAtMostATenthOfARetryPeriodAgo() {
    assertThat(requestAtClaimEndHeard(RP / 10)).isEqualTo(Op.CREATE);
    assertThat(requestAtClaimEndHeard(RP / 10 + MS)).isEqualTo(Op.GET);
  }

  @Test
  void rule11_aCreateThatWinsOverALongClaimCreatedDuringItsFlightWaitsThatClaimOut() {
    Request get = sent(at(now, new Event.Start()));
    Request create = sent(at(now, new Event.Answer(get.id(), null)));
    long seen = now + 100 * MS;
    at(seen, new Event.Observed(new VersionedLease(new LeaseRecord("rival", 3600, null, null, 0), "5", null), "5"));
    at(seen + 100 * MS, new Event.Answer(create.id(), lease("me", 7, 0)));
    assertThat(((Role.Following) m.role()).cooldownUntil()).isEqualTo(seen + 3600 * S);
  }

  @Test
  void rule11_ourOwnCreateEchoedByTheWatchBeforeItsAnswerLeads() {
    Request get = sent(at(now, new Event.Start()));
    Request create = sent(at(now, new Event.Answer(get.id(), null)));
    at(now + 10 * MS, new Event.Observed(lease("me", 7, 0), "7"));
    List<Action> won = at(now + 10 * MS, new Event.Answer(create.id(), lease("me", 7, 0)));
    assertThat(won).anyMatch(a -> a instanceof Action.Elected);
  }

  @Test
  void rule11_withoutComparableVersionsAForeignLeaseSeenDuringTheCreateMeansADeletion() {
    Request get = sent(at(now, new Event.Start()));
    Request create = sent(at(now, new Event.Answer(get.id(), null)));
    at(now + 10 * MS, new Event.Observed(new VersionedLease(new LeaseRecord("rival", 15, null, null, 0), "b", null), "b"));
    List<Action> won = at(now + 10 * MS, new Event.Answer(create.id(),
        new VersionedLease(new LeaseRecord("me", 15, null, null, 0), "a", null)));
    assertThat(won).noneMatch(a -> a instanceof Action.Elected);
  }

  @Test
  void rule11_afterAPauseAnAbsenceIsReadAgainAndTheClaimCountsFromThatRead() {
    follow(new VersionedLease(new LeaseRecord("other", 15, null, null, 0), "5", null));
    long deleted = now + S;
    at(deleted, new Event.Observed(null, "6"));
    // Frozen for 40 s (the claim ran out meanwhile); the first thing to run is the timer.
    Request first = sent(at(deleted + 40 * S, new Event.Tick()));
    assertThat(first.op()).as("created on absence knowledge 40 s old").isEqualTo(Op.GET);
    // Still absent, but it may have been created and deleted again meanwhile.
    long read = now + 10 * MS;
    assertThat(sends(at(read, new Event.Answer(first.id(), null)))).isFalse();
    assertThat(m.view().absentClaimUntil()).isEqualTo(read + LD);
  }

  @Test
  void waitBeforeCreateWaitsALeaseDurationForALeaseNeverSeen() {
    use(config().waitBeforeCreate(true));
    Request get = sent(at(now, new Event.Start()));
    long read = now + MS;
    assertThat(sends(at(read, new Event.Answer(get.id(), null)))).isFalse();
    assertThat(m.view().absentClaimUntil()).isEqualTo(read + LD);
    Request create = pollAbsentUntilAWrite();
    assertThat(create.op()).isEqualTo(Op.CREATE);
    assertThat(now).isEqualTo(read + LD);
    assertThat(create.record().transitions()).isZero();
  }

  @Test
  void reacquiringOurOwnRecordKeepsItsAcquireTimeAndCount() {
    Instant acquired = Instant.parse("2026-11-30T00:00:00Z");
    follow(new VersionedLease(new LeaseRecord("me", 15, acquired, acquired, 7), "5", null));
    Request acquire = m.inFlight();
    assertThat(acquire.purpose()).isEqualTo(Purpose.ACQUIRE);
    assertThat(acquire.record().acquireTime()).isEqualTo(acquired);
    assertThat(acquire.record().transitions()).isEqualTo(7);
    // Without an acquire time, ours is now; someone else's record gets +1.
    use(config());
    follow(new VersionedLease(new LeaseRecord("me", 15, null, null, 7), "5", null));
    assertThat(m.inFlight().record().acquireTime()).isEqualTo(EPOCH.plusNanos(now));
    use(config());
    follow(new VersionedLease(new LeaseRecord("", 1, acquired, acquired, 7), "5", null));
    assertThat(m.inFlight().record().acquireTime()).isEqualTo(EPOCH.plusNanos(now));
    assertThat(m.inFlight().record().transitions()).isEqualTo(8);
  }

  @Test
  void renewalsKeepTheAcquireTimeOfTheRecord() {
    Instant acquired = Instant.parse("2026-11-30T00:00:00Z");
    follow(new VersionedLease(new LeaseRecord("", 1, null, null, 2), "5", null));
    Request acquire = m.inFlight();
    at(now + MS, new Event.Answer(acquire.id(),
        new VersionedLease(new LeaseRecord("me", 15, acquired, acquired, 3), "6", null)));
    Request renew = sent(at(acquire.sentAt() + RP, new Event.Tick()));
    assertThat(renew.record().acquireTime()).isEqualTo(acquired);
    assertThat(renew.record().transitions()).isEqualTo(3);
    at(now + MS, new Event.Answer(renew.id(), new VersionedLease(new LeaseRecord("me", 15, null, null, 3), "7", null)));
    Request renew2 = sent(at(renew.sentAt() + RP, new Event.Tick()));
    assertThat(renew2.record().acquireTime()).isEqualTo(EPOCH.plusNanos(acquire.sentAt()));
  }

  @Test
  void theFencingTokenIsTheResourceVersionWhenItIsANumber() {
    assertThat(ElectionMachine.fencingToken(lease("me", 0, 5))).isZero();
    assertThat(ElectionMachine.fencingToken(lease("me", 42, 5))).isEqualTo(42);
    assertThat(ElectionMachine.fencingToken(new VersionedLease(new LeaseRecord("me", 15, null, null, 5), "v7", null)))
        .isEqualTo(5);
  }

  @Test
  void resourceVersionsAreComparedOnlyWhenTheyAreNumbers() {
    assertThat(LeaseView.parse("0")).isZero();
    assertThat(LeaseView.parse("9")).isEqualTo(9);
    assertThat(LeaseView.parse("123456789012345678")).isEqualTo(123456789012345678L);
    assertThat(LeaseView.parse("1234567890123456789")).isEqualTo(-1); // too long to be safe
    assertThat(LeaseView.parse("1/")).isEqualTo(-1);
    assertThat(LeaseView.parse("1:")).isEqualTo(-1);
    assertThat(LeaseView.parse("")).isEqualTo(-1);
    assertThat(LeaseView.parse(null)).isEqualTo(-1);
    LeaseView v = LeaseView.unknown(0).present(lease("x", 5, 0), 0);
    assertThat(v.isOlder("4")).isTrue();
    assertThat(v.isOlder("5")).isFalse();
    assertThat(v.isOlder("a")).isFalse();
    assertThat(LeaseView.unknown(0).isOlder("4")).isFalse();
    assertThat(v.present(lease("x", 0, 0), 1).resourceVersion()).isZero();
    assertThat(v.present(new VersionedLease(new LeaseRecord("x", 15, null, null, 0), "z", null), 1).resourceVersion())
        .isEqualTo(5);
    assertThat(v.absent("0", 1, LD, false, 10 * S).resourceVersion()).isZero();
    assertThat(v.absent(null, 1, LD, false, 10 * S).resourceVersion()).isEqualTo(5);
  }

  @Test
  void aPollRestartsTheWatchOnlyWhenPresenceChanged() {
    follow(null); // absent, never seen: creating
    Request create = m.inFlight();
    at(now, new Event.Failure(create.id(), new LeaseStoreException.Conflict("exists", null)));
    Request reread = m.inFlight();
    at(now, new Event.Answer(reread.id(), null)); // deleted meanwhile: wait out the claim, polling
    Request poll = sent(at(now + 3 * S, new Event.Tick()));
    assertThat(at(now + MS, new Event.Answer(poll.id(), null))).doesNotContain(new Action.RestartWatch());
    Request poll2 = sent(at(now + 3 * S, new Event.Tick()));
    assertThat(at(now + MS, new Event.Answer(poll2.id(), lease("other", 9, 0)))).contains(new Action.RestartWatch());
  }

  @Test
  void aRenewalKeepsAHandLoweredTransitionCount() {
    lead();
    at(now + S, new Event.Observed(lease("me", 5, 9), "5"));
    Request renew = sent(at(now + RP, new Event.Tick()));
    at(now + MS, new Event.Answer(renew.id(), lease("me", 6, 9)));
    at(now + S, new Event.Observed(lease("me", 7, 2), "7")); // lowered by hand
    Request next = sent(at(now + RP, new Event.Tick()));
    assertThat(next.record().transitions()).isEqualTo(2);
  }

  // --- Holding back (balancing steers free leases with it) -----------------------------------

  @Test
  void aReleasedLeaseIsTakenOnlyAfterTheHoldBack() {
    at(now, new Event.Defer(Duration.ofSeconds(3)));
    follow(lease("x", 5, 1));
    long releasedSeen = now + S;
    List<Action> released = at(releasedSeen, new Event.Observed(lease("", 6, 1), "6"));
    assertThat(sends(released)).as("taken at once despite the hold-back").isFalse();
    assertThat(m.wakeAt()).isEqualTo(releasedSeen + 3 * S);
    assertThat(sends(at(releasedSeen + 3 * S - 1, new Event.Tick()))).isFalse();
    Request acquire = sent(at(releasedSeen + 3 * S, new Event.Tick()));
    assertThat(acquire.purpose()).isEqualTo(Purpose.ACQUIRE);
    assertThat(acquire.op()).isEqualTo(Op.UPDATE);
  }

  @Test
  void anExpiredLeaseIsTakenTheHoldBackAfterItsExpiry() {
    at(now, new Event.Defer(Duration.ofSeconds(2)));
    long seen = now;
    follow(lease("x", 5, 1));
    // Progress keeps the silence detector quiet: only expiry plus hold-back may wake it to write.
    for (long t = seen + S; t < seen + LD + 2 * S; t += S) {
      List<Action> actions = at(t, new Event.Progress(Long.toString(t)));
      assertThat(of(actions, Action.Send.class)).as("at %d s", (t - seen) / S)
          .noneMatch(s -> s.request().purpose() == Purpose.ACQUIRE);
    }
    Request acquire = sent(at(seen + LD + 2 * S, new Event.Tick()));
    assertThat(acquire.purpose()).isEqualTo(Purpose.ACQUIRE);
  }

  @Test
  void aHoldBackLiftedToZeroTakesTheFreeLeaseAtOnce() {
    at(now, new Event.Defer(Duration.ofMinutes(5)));
    follow(lease("x", 5, 1));
    assertThat(sends(at(now + S, new Event.Observed(lease("", 6, 1), "6")))).isFalse();
    Request acquire = sent(at(now + S, new Event.Defer(Duration.ZERO)));
    assertThat(acquire.purpose()).isEqualTo(Purpose.ACQUIRE);
  }

  @Test
  void aRecordNamingUsIsReacquiredWithoutHoldingBack() {
    at(now, new Event.Defer(Duration.ofMinutes(5)));
    Request get = sent(at(now, new Event.Start()));
    Request acquire = sent(at(now, new Event.Answer(get.id(), lease("me", 5, 1))));
    assertThat(acquire.purpose()).isEqualTo(Purpose.ACQUIRE);
  }

  @Test
  void anAbsentLeaseIsCreatedOnlyTheHoldBackAfterTheAbsenceWasFirstSeen() {
    at(now, new Event.Defer(Duration.ofSeconds(4)));
    long start = now;
    Request get = sent(at(now, new Event.Start()));
    assertThat(sends(at(now, new Event.Answer(get.id(), null)))).isFalse();
    Request create = pollAbsentUntilAWrite();
    assertThat(create.op()).isEqualTo(Op.CREATE);
    assertThat(now).isEqualTo(start + 4 * S);
  }

  @Test
  void holdingBackDoesNotTouchLeadershipHeldNow() {
    lead();
    List<Action> deferred = at(now + S, new Event.Defer(Duration.ofMinutes(5)));
    assertThat(of(deferred, Action.Lost.class)).isEmpty();
    Request renew = sent(at(m.wakeAt(), new Event.Tick()));
    assertThat(renew.purpose()).isEqualTo(Purpose.RENEW);
  }

  @Test
  void aNegativeHoldBackIsRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Event.Defer(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holdBack");
  }
}
