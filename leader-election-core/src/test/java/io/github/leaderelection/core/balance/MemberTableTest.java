package io.github.leaderelection.core.balance;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.leaderelection.core.LeaseRecord;
import io.github.leaderelection.core.VersionedLease;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Liveness of members is judged on the local clock from when a record was seen to change (rule 1). */
class MemberTableTest {

  static final long S = 1_000_000_000L;

  static VersionedLease member(String holder, int durationSeconds, Instant renewed, int rv) {
    return new VersionedLease(new LeaseRecord(holder, durationSeconds, renewed, renewed, 0), Integer.toString(rv), null);
  }

  @Test
  void aMemberIsLiveForItsDurationAfterItsRecordWasSeenToChange() {
    Instant long_ago = Instant.parse("2020-01-01T00:00:00Z"); // a renewTime far in our past means nothing
    MemberTable t = MemberTable.empty().seen(Map.of("g-member-a", member("a", 10, long_ago, 1)), 100 * S);
    assertThat(t.live(100 * S)).containsExactly("a");
    assertThat(t.live(110 * S - 1)).containsExactly("a");
    assertThat(t.live(110 * S)).isEmpty();
  }

  @Test
  void anUnchangedRecordDoesNotExtendLifeButARenewalDoes() {
    Instant t0 = Instant.parse("2026-12-02T00:00:00Z");
    MemberTable t = MemberTable.empty().seen(Map.of("m", member("a", 10, t0, 1)), 100 * S);
    t = t.seen(Map.of("m", member("a", 10, t0, 1)), 105 * S); // the same record again (a relist)
    assertThat(t.live(110 * S)).isEmpty();
    t = t.seen(Map.of("m", member("a", 10, t0.plusSeconds(3), 2)), 109 * S);
    assertThat(t.live(118 * S)).containsExactly("a");
  }

  @Test
  void aReleasedMemberLeaseIsNoMemberAndAVanishedOneIsForgotten() {
    Instant t0 = Instant.parse("2026-12-02T00:00:00Z");
    MemberTable t = MemberTable.empty().seen(Map.of("m1", member("", 1, t0, 1), "m2", member("b", 10, t0, 2)), 0);
    assertThat(t.live(0)).containsExactly("b");
    t = t.seen(Map.of(), S);
    assertThat(t.live(S)).isEmpty();
    assertThat(t.abandoned(100 * S, 0)).isEmpty();
  }

  @Test
  void abandonedAreTheLeasesNeitherLiveNorChangedForTheIdleTime() {
    Instant t0 = Instant.parse("2026-12-02T00:00:00Z");
    MemberTable t = MemberTable.empty().seen(Map.of("m1", member("a", 10, t0, 1), "m2", member("b", 10, t0, 2)), 0);
    t = t.seen(Map.of("m1", member("a", 10, t0, 1), "m2", member("b", 10, t0.plusSeconds(40), 3)), 40 * S);
    assertThat(t.abandoned(45 * S, 45 * S)).containsOnlyKeys("m1");
    assertThat(t.abandoned(45 * S - 1, 45 * S)).isEmpty();
    assertThat(t.abandoned(45 * S, 45 * S).get("m1").resourceVersion()).isEqualTo("1");
  }
}
