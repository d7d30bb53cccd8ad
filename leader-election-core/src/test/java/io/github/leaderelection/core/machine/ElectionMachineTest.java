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

  final ElectionMachine m = new ElectionMachine(ElectionConfig.builder("jobs").namespace("default")
      .identity("me").build());
  long now = 1_000 * S;

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
    Request poll = sent(at(absentSeen + 4 * S, new Event.Tick())); // only a poll meanwhile
    assertThat(poll.op()).isEqualTo(Op.GET);
    assertThat(sends(at(now, new Event.Answer(poll.id(), null)))).isFalse();
    assertThat(sent(at(absentSeen + 15 * S, new Event.Tick())).op()).isEqualTo(Op.CREATE);
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
}
