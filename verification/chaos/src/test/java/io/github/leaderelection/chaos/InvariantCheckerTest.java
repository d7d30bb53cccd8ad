package io.github.leaderelection.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.leaderelection.chaos.InvariantChecker.Category;
import io.github.leaderelection.chaos.InvariantChecker.Finding;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checker on hand-made traces (times in ms; LD/RD/RP 4 s / 3 s / 1 s). */
class InvariantCheckerTest {

  private static final long MS = 1_000_000L;
  private final List<CandidateLog> candidates = new ArrayList<>();
  private final List<Fault> faults = new ArrayList<>();

  @Test
  void handoverAfterTheDeadline_isClean() {
    CandidateLog a = candidate("a", 0);
    lines(a, "ACQUIRED 110 1 100", "RENEWED 1100", "RENEWED 2100", "WORK_CHECK 2200 1", "WORK_START 2201 1 1",
        "WORK_END 2251 1");
    a.killedAt(2300 * MS); // a dies: its term ends at 2100 + RD = 5100
    CandidateLog b = candidate("b", 1);
    lines(b, "ACQUIRED 6120 2 6100", "ELECTED 6130 2", "WORK_CHECK 6200 1", "WORK_START 6201 1 2", "WORK_END 6251 1",
        "RELINQUISHED 7000 2 SHUTDOWN", "LOST 7001 SHUTDOWN", "CLOSED 7100");
    lines(a, "ELECTED 120 1");

    InvariantChecker.Result r = check();

    assertThat(r.violations()).isEmpty();
    assertThat(r.terms()).hasSize(2);
    assertThat(r.terms().get(0).end()).isEqualTo(5100 * MS);
    assertThat(r.executions()).hasSize(2).allSatisfy(e -> assertThat(e.term()).isNotNull());
  }

  @Test
  void rivalAcquiringBeforeTheOldDeadline_isAnActingOverlap() {
    CandidateLog a = candidate("a", 0);
    lines(a, "ACQUIRED 110 1 100", "RENEWED 2100");
    a.killedAt(2300 * MS);
    CandidateLog b = candidate("b", 1);
    lines(b, "ACQUIRED 5099 2 5000", "RELINQUISHED 7000 2 SHUTDOWN");

    List<Finding> v = check().violations();

    assertThat(v).extracting(Finding::category).containsExactly(Category.ACTING_OVERLAP);
    assertThat(v.get(0).durationNanos()).isEqualTo(1 * MS);
  }

  @Test
  void relinquishedEarlierThanTheDeadline_endsTheTermThere() {
    CandidateLog a = candidate("a", 0);
    lines(a, "ACQUIRED 110 1 100", "RENEWED 2100", "RELINQUISHED 2500 1 RELEASED");
    CandidateLog b = candidate("b", 1);
    lines(b, "ACQUIRED 2600 2 2550", "RELINQUISHED 7000 2 SHUTDOWN");

    assertThat(check().violations()).isEmpty();
  }

  @Test
  void hostileClearOfALiveLeader_detectedWithinTwoRetryPeriods_isReportedApart() {
    CandidateLog a = candidate("a", 0);
    lines(a, "ACQUIRED 110 1 100", "RENEWED 1100", "RELINQUISHED 1230 1 LEASE_TAKEN");
    CandidateLog b = candidate("b", 1);
    lines(b, "ACQUIRED 1215 2 1205", "RELINQUISHED 7000 2 SHUTDOWN");
    Fault f = fault(FaultType.LEASE_NULL_SPEC, 1190, 1200);
    f.edit(new Fault.LeaseEdit("null spec fields", 1190 * MS, 1200 * MS, "a"));

    InvariantChecker.Result r = check();

    assertThat(r.violations()).isEmpty();
    assertThat(r.byCategory().get(Category.HOSTILE_CLEAR_OVERLAP)).singleElement()
        .satisfies(x -> assertThat(x.durationNanos()).isEqualTo(15 * MS));
  }

  @Test
  void hostileClear_whenTheLeaderDidNotNoticeInTime_isAViolation() {
    CandidateLog a = candidate("a", 0);
    lines(a, "ACQUIRED 110 1 100", "RENEWED 1100", "RELINQUISHED 3900 1 RENEW_FAILED");
    CandidateLog b = candidate("b", 1);
    lines(b, "ACQUIRED 1215 2 1205", "RELINQUISHED 7000 2 SHUTDOWN");
    Fault f = fault(FaultType.LEASE_EMPTY_HOLDER, 1190, 1200);
    f.edit(new Fault.LeaseEdit("holder \"\"", 1190 * MS, 1200 * MS, "a"));

    assertThat(check().violations()).extracting(Finding::category).containsExactly(Category.ACTING_OVERLAP);
  }

  @Test
  void hostileClear_ofALeaderKilledBeforeItCouldNotice_isReportedApart() {
    CandidateLog a = candidate("a", 0);
    lines(a, "ACQUIRED 110 1 100", "RENEWED 1100");
    a.killedAt(1500 * MS); // 0.3 s after the clear: no chance to see it
    CandidateLog b = candidate("b", 1);
    lines(b, "ACQUIRED 1215 2 1205", "RELINQUISHED 7000 2 SHUTDOWN");
    Fault f = fault(FaultType.LEASE_EMPTY_HOLDER, 1190, 1200);
    f.edit(new Fault.LeaseEdit("holder \"\"", 1190 * MS, 1200 * MS, "a"));

    InvariantChecker.Result r = check();

    assertThat(r.violations()).isEmpty();
    assertThat(r.byCategory().get(Category.HOSTILE_CLEAR_OVERLAP)).hasSize(1);
  }

  @Test
  void hostileClear_ofALeaderKilledLongAfter_isStillAViolation() {
    CandidateLog a = candidate("a", 0);
    lines(a, "ACQUIRED 110 1 100", "RENEWED 1100");
    a.killedAt(3900 * MS); // it had 2 x RP to notice and did not
    CandidateLog b = candidate("b", 1);
    lines(b, "ACQUIRED 1215 2 1205", "RELINQUISHED 7000 2 SHUTDOWN");
    Fault f = fault(FaultType.LEASE_EMPTY_HOLDER, 1190, 1200);
    f.edit(new Fault.LeaseEdit("holder \"\"", 1190 * MS, 1200 * MS, "a"));

    assertThat(check().violations()).extracting(Finding::category).containsExactly(Category.ACTING_OVERLAP);
  }

  @Test
  void deletedWhileFrozen_recreatedByAProcessThatNeverSawTheOldRecord_isReportedApart() {
    CandidateLog a = candidate("a", 0);
    lines(a, "ACQUIRED 110 1 100", "RENEWED 1100", "RELINQUISHED 6000 1 DEADLINE_PASSED");
    Fault f = fault(FaultType.LEASE_DELETE_WHILE_LEADER_FROZEN, 1200, 6000);
    f.freeze(new Fault.Freeze("a", 1200 * MS, 5990 * MS));
    f.edit(new Fault.LeaseEdit("delete", 1210 * MS, 1220 * MS, "a"));
    // Started before the deletion, but its first read came after it: it never saw a's record.
    CandidateLog fresh = candidate("fresh", 1, 1100);
    lines(fresh, "READY fresh 2", "ACQUIRED 3000 0 2990", "NEW_LEADER 3010 fresh", "ELECTED 3011 0",
        "RELINQUISHED 9000 0 SHUTDOWN", "LOST 9001 SHUTDOWN");

    InvariantChecker.Result r = check();

    assertThat(r.violations()).isEmpty();
    assertThat(r.byCategory().get(Category.DELETED_WHILE_FROZEN_OVERLAP)).singleElement()
        .satisfies(x -> assertThat(x.durationNanos()).isEqualTo(1100 * MS)); // until 1100 + RD
  }

  @Test
  void deletedWhileFrozen_recreatedByAProcessThatSawTheOldRecord_isAViolation() {
    CandidateLog old = candidate("old", 1, 0);
    lines(old, "READY old 1", "NEW_LEADER 120 a");
    CandidateLog a = candidate("a", 0);
    lines(a, "ACQUIRED 110 1 100", "RENEWED 1100", "RELINQUISHED 6000 1 DEADLINE_PASSED");
    Fault f = fault(FaultType.LEASE_DELETE_WHILE_LEADER_FROZEN, 1200, 6000);
    f.freeze(new Fault.Freeze("a", 1200 * MS, 5990 * MS));
    f.edit(new Fault.LeaseEdit("delete", 1210 * MS, 1220 * MS, "a"));
    lines(old, "ACQUIRED 3000 0 2990", "NEW_LEADER 3010 old", "ELECTED 3011 0", "RELINQUISHED 9000 0 SHUTDOWN",
        "LOST 9001 SHUTDOWN");

    assertThat(check().violations()).extracting(Finding::category).containsExactly(Category.ACTING_OVERLAP);
  }

  @Test
  void workCheckedAfterTheDeadline_isOutsideTheTerm() {
    CandidateLog a = candidate("a", 0);
    lines(a, "ACQUIRED 110 1 100", "RENEWED 1100", "WORK_CHECK 4101 7", "WORK_START 4102 7 1", "WORK_END 4150 7",
        "RELINQUISHED 4200 1 DEADLINE_PASSED");

    assertThat(check().violations()).extracting(Finding::category).containsExactly(Category.WORK_OUTSIDE_TERM);
  }

  @Test
  void workCheckedBeforeTheDeadlineButStartedAfterIt_byAFreeze_overranItsTerm() {
    CandidateLog a = candidate("a", 0);
    lines(a, "ACQUIRED 110 1 100", "RENEWED 1100", "WORK_CHECK 4000 7", "WORK_START 9000 7 1", "WORK_END 9050 7",
        "RELINQUISHED 9000 1 DEADLINE_PASSED");
    Fault f = fault(FaultType.SIGSTOP_BEYOND_LD, 4001, 8999);
    f.freeze(new Fault.Freeze("a", 4001 * MS, 8999 * MS));
    CandidateLog b = candidate("b", 1);
    lines(b, "ACQUIRED 5200 2 5150", "RENEWED 6150", "RENEWED 7150", "RENEWED 8150", "RENEWED 9000",
        "WORK_CHECK 9010 1", "WORK_START 9011 1 2", "WORK_END 9061 1",
        "RELINQUISHED 12000 2 SHUTDOWN");

    InvariantChecker.Result r = check();

    assertThat(r.violations()).isEmpty();
    assertThat(r.byCategory().get(Category.OVERRAN_TERM)).singleElement()
        .satisfies(x -> assertThat(x.text()).contains("frozen"));
    assertThat(r.byCategory().get(Category.OVERRAN_OVERLAP)).hasSize(1);
  }

  @Test
  void overlappingWorkOfTwoProcesses_isAViolation() {
    CandidateLog a = candidate("a", 0);
    lines(a, "ACQUIRED 110 1 100", "WORK_CHECK 500 1", "WORK_START 501 1 1", "WORK_END 700 1",
        "RELINQUISHED 800 1 RELEASED");
    CandidateLog b = candidate("b", 1);
    lines(b, "ACQUIRED 600 2 590", "WORK_CHECK 650 1", "WORK_START 651 1 2", "WORK_END 690 1",
        "RELINQUISHED 900 2 SHUTDOWN");

    assertThat(check().violations()).extracting(Finding::category)
        .containsExactlyInAnyOrder(Category.ACTING_OVERLAP, Category.WORK_OVERLAP);
  }

  @Test
  void eventsThatDoNotAlternate_areViolations() {
    CandidateLog a = candidate("a", 0);
    lines(a, "ACQUIRED 110 1 100", "ELECTED 120 1", "ELECTED 130 1", "RELINQUISHED 200 1 RELEASED",
        "LOST 210 RELEASED", "LOST 220 RELEASED", "CLOSED 300");

    assertThat(check().violations()).extracting(Finding::category)
        .containsExactly(Category.EVENT_ORDER, Category.EVENT_ORDER);
  }

  @Test
  void leaderConfirmedLaterThanTheBound_orNever_failsLiveness() {
    Fault slow = fault(FaultType.PROXY_RESET, 100, 100);
    slow.boundNanos(9000 * MS);
    slow.recoveredAt(9101 * MS, true);
    Fault never = fault(FaultType.PROXY_RESET, 200, 200);
    never.boundNanos(9000 * MS);
    never.recoveredAt(Long.MIN_VALUE, true);
    Fault fine = fault(FaultType.PROXY_RESET, 300, 300);
    fine.boundNanos(9000 * MS);
    fine.recoveredAt(400 * MS, false);

    assertThat(check().violations()).extracting(Finding::category)
        .containsExactly(Category.NO_LEADER_IN_TIME, Category.NO_LEADER_IN_TIME);
  }

  // --- step-down, slow lost-listeners, shutdown timeout (rules 5, 22, 23) --------------------------

  @Test
  void stepDown_rivalTakesOverOnlyAfterTheSlowListenerReturned_isClean() {
    CandidateLog a = candidate("a", 0);
    lines(a, "ACQUIRED 110 1 100", "RENEWED 1100", "RELINQUISHED 1500 1 RELEASED",
        "LOST_LISTENER_END 2700 1", "STEP_DOWN_DONE 2720 true");
    CandidateLog b = candidate("b", 1);
    lines(b, "ACQUIRED 2740 2 2730", "RELINQUISHED 9000 2 SHUTDOWN", "LOST_LISTENER_END 9001 2");

    assertThat(check().violations()).isEmpty();
  }

  @Test
  void stepDown_rivalTakesOverWhileTheListenerStillRuns_isATakeoverBeforeRelease() {
    CandidateLog a = candidate("a", 0);
    lines(a, "ACQUIRED 110 1 100", "RENEWED 1100", "RELINQUISHED 1500 1 RELEASED",
        "LOST_LISTENER_END 2700 1", "STEP_DOWN_DONE 2720 true");
    CandidateLog b = candidate("b", 1);
    lines(b, "ACQUIRED 1610 2 1600", "RELINQUISHED 9000 2 SHUTDOWN"); // released before the listener ended

    List<Finding> v = check().violations();

    assertThat(v).extracting(Finding::category).containsExactly(Category.TAKEOVER_BEFORE_RELEASE);
    assertThat(v.get(0).durationNanos()).isEqualTo(1100 * MS); // until 2700
  }

  @Test
  void listenerBeyondTheShutdownTimeout_thenSigterm_rivalMustWaitForExpiry() {
    // LD 4 s, shutdown timeout 5 s: the lease expires at 1100 + 4000 = 5100, whatever the listener does.
    CandidateLog a = candidate("a", 0);
    lines(a, "ACQUIRED 110 1 100", "RENEWED 1100", "RELINQUISHED 1500 1 SHUTDOWN", "LOST_LISTENER_END 7000 1", "CLOSED 7010");
    CandidateLog early = candidate("early", 1);
    lines(early, "ACQUIRED 5050 2 5000", "RELINQUISHED 5300 2 SHUTDOWN", "LOST_LISTENER_END 5301 2");
    CandidateLog late = candidate("late", 2);
    lines(late, "ACQUIRED 5400 3 5350", "RELINQUISHED 9000 3 SHUTDOWN");

    List<Finding> v = check().violations();

    assertThat(v).extracting(Finding::category).containsExactly(Category.TAKEOVER_BEFORE_RELEASE);
    assertThat(v.get(0).text()).startsWith("early").contains("past the shutdown timeout");
  }

  @Test
  void processGoneWithItsListenerStillBlocked_neverReleases() {
    CandidateLog a = candidate("a", 0);
    lines(a, "ACQUIRED 110 1 100", "RENEWED 1100", "RELINQUISHED 1500 1 SHUTDOWN", "CLOSED 6600");
    CandidateLog b = candidate("b", 1);
    lines(b, "ACQUIRED 2000 2 1990", "RELINQUISHED 9000 2 SHUTDOWN", "LOST_LISTENER_END 9001 2");

    assertThat(check().violations()).extracting(Finding::category)
        .containsExactly(Category.TAKEOVER_BEFORE_RELEASE);
  }

  @Test
  void takeoverBeforeExpiry_afterAnAdminClear_isNotATakeoverBeforeRelease() {
    CandidateLog a = candidate("a", 0);
    lines(a, "ACQUIRED 110 1 100", "RENEWED 1100", "RELINQUISHED 1500 1 RENEW_FAILED", "LOST_LISTENER_END 1501 1");
    Fault f = fault(FaultType.LEASE_EMPTY_HOLDER, 1600, 1610);
    f.edit(new Fault.LeaseEdit("holder \"\"", 1600 * MS, 1610 * MS, "a"));
    CandidateLog b = candidate("b", 1);
    lines(b, "ACQUIRED 1700 2 1690", "RELINQUISHED 9000 2 SHUTDOWN");

    assertThat(check().violations()).isEmpty();
  }

  @Test
  void acquiringWhileItsOwnReleaseIsPending_orInsideTheCooldown_violatesRule22() {
    CandidateLog a = candidate("a", 0);
    lines(a, "ACQUIRED 110 1 100", "RELINQUISHED 500 1 RELEASED", "LOST_LISTENER_END 1500 1",
        "ACQUIRED 1510 1 1505", "RELINQUISHED 1600 1 SHUTDOWN", "LOST_LISTENER_END 1601 1", "STEP_DOWN_DONE 1700 true");
    CandidateLog c = candidate("c", 1);
    // cool-down 500 ms from the step-down at 3000: a write sent at 3400 is too early
    lines(c, "ACQUIRED 2110 2 2100", "RELINQUISHED 3000 2 RELEASED", "LOST_LISTENER_END 3001 2",
        "STEP_DOWN_DONE 3010 true", "ACQUIRED 3410 2 3400", "RELINQUISHED 9000 2 SHUTDOWN");

    assertThat(check().violations()).extracting(Finding::category)
        .containsExactly(Category.ACQUIRED_WHILE_RELEASING, Category.ACQUIRED_WHILE_RELEASING);
  }

  // --- unknown Lease fields (rule 25) --------------------------------------------------------------

  @Test
  void leaderLosingItsTermWhileReadingUnknownFields_violatesRule25() {
    CandidateLog a = candidate("a", 0);
    lines(a, "ACQUIRED 110 1 100", "RENEWED 1100", "RELINQUISHED 4100 1 RENEW_FAILED");
    Fault f = fault(FaultType.UNKNOWN_LEASE_FIELD, 1200, 5000);
    f.target("a", true);
    f.injected(3);

    assertThat(check().violations()).extracting(Finding::category)
        .containsExactly(Category.UNKNOWN_FIELD_NOT_TOLERATED);
  }

  @Test
  void leaderRenewingThroughUnknownFields_isClean() {
    CandidateLog a = candidate("a", 0);
    lines(a, "ACQUIRED 110 1 100", "RENEWED 1100", "RENEWED 2100", "RENEWED 3100", "RENEWED 4100",
        "RELINQUISHED 9000 1 SHUTDOWN");
    Fault f = fault(FaultType.UNKNOWN_LEASE_FIELD, 1200, 5000);
    f.target("a", true);
    f.injected(4);

    assertThat(check().violations()).isEmpty();
  }

  @Test
  void hopAddsTheFieldToEveryLeaseSpec_alsoAnEmptyOne() {
    assertThat(PlainHttpHop.addField("{\"kind\":\"Lease\",\"spec\":{\"holderIdentity\":\"a\"}}"))
        .isEqualTo("{\"kind\":\"Lease\",\"spec\":{" + PlainHttpHop.FIELD + ",\"holderIdentity\":\"a\"}}");
    assertThat(PlainHttpHop.addField("{\"kind\":\"Lease\",\"spec\":{}}"))
        .isEqualTo("{\"kind\":\"Lease\",\"spec\":{" + PlainHttpHop.FIELD + "}}");
    // managedFields name spec as "f:spec": left alone
    assertThat(PlainHttpHop.addField("{\"fieldsV1\":{\"f:spec\":{}}}")).isEqualTo("{\"fieldsV1\":{\"f:spec\":{}}}");
  }

  // --- helpers -----------------------------------------------------------------------------------

  private CandidateLog candidate(String id, int slot) {
    return candidate(id, slot, 0);
  }

  private CandidateLog candidate(String id, int slot, long spawnedAtMs) {
    CandidateLog c = new CandidateLog(id, slot, spawnedAtMs * MS, 0);
    candidates.add(c);
    return c;
  }

  /** Adds lines whose times are in ms; converts every number but seq and token fields. */
  private static void lines(CandidateLog c, String... lines) {
    for (String line : lines) {
      String[] w = line.split(" ");
      switch (w[0]) {
        case "ACQUIRED" -> {
          w[1] = ns(w[1]);
          w[3] = ns(w[3]);
        }
        case "READY" -> {
          // identity and pid
        }
        default -> w[1] = ns(w[1]);
      }
      c.add(Event.parse(String.join(" ", w), 0));
    }
  }

  private static String ns(String ms) {
    return Long.toString(Long.parseLong(ms) * MS);
  }

  private Fault fault(FaultType type, long startMs, long healMs) {
    Fault f = new Fault(faults.size() + 1, type, startMs * MS);
    f.healedAt(healMs * MS);
    f.boundNanos(Long.MAX_VALUE / 2);
    f.recoveredAt(healMs * MS, false);
    faults.add(f);
    return f;
  }

  private InvariantChecker.Result check() {
    ChaosConfig cfg = ChaosConfig.fast("test", "", "Main", true, 1, faults.size(), Path.of("target"));
    RunRecord run = new RunRecord(cfg, "lease", 0, 0, 0, 100_000 * MS, 0, 0, candidates, faults, Path.of("target"), null);
    return new InvariantChecker(run).check();
  }
}
