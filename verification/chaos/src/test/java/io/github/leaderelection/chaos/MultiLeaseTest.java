package io.github.leaderelection.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a multi-lease run splits into one record per lease (ChaosRunner#multiLease). */
class MultiLeaseTest {

  @TempDir
  Path dir;

  @Test
  void eachLeaseLogGetsItsOwnLinesWithoutThePrefixAndTheProcessLinesToo() throws Exception {
    CandidateLog all = new CandidateLog("cand-0-0", 0, 0, 0);
    CandidateLog l0 = new CandidateLog("cand-0-0", 0, 0, 0);
    CandidateLog l1 = new CandidateLog("cand-0-0", 0, 0, 0);
    StringWriter transcript = new StringWriter();
    CandidateProcess p = CandidateProcess.start(all, Map.of("m-0", l0, "m-1", l1),
        List.of("sh", "-c", "printf 'READY cand-0-0 42\\n@m-0 ACQUIRED 100 3 90\\n@m-1 RENEWED 95\\n"
            + "@m-9 RENEWED 1\\n@m-0 RELINQUISHED 200 3 RELEASED\\nCLOSED 300\\n'"),
        Map.of(), null, dir.resolve("err.log"), new PrintWriter(transcript, true));
    long until = System.nanoTime() + 10_000_000_000L;
    while (all.exitedAt() == Long.MIN_VALUE && System.nanoTime() < until) {
      Thread.sleep(10);
    }

    assertThat(kinds(l0)).containsExactly("READY", "ACQUIRED 100 3 90", "RELINQUISHED 200 3 RELEASED", "CLOSED 300");
    assertThat(kinds(l1)).containsExactly("READY", "RENEWED 95", "CLOSED 300");
    assertThat(all.events()).hasSize(6);
    assertThat(p.log("m-1")).isSameAs(l1);
    assertThat(l0.exitedAt()).isNotEqualTo(Long.MIN_VALUE);
    assertThat(l1.exitedAt()).isEqualTo(l0.exitedAt());
    assertThat(transcript.toString()).contains("cand-0-0 @m-0 ACQUIRED 100 3 90");
  }

  @Test
  void aFaultSeenFromOneLeaseKeepsItsEditsOnlyOnTheLeaseItWasAimedAt() {
    Fault f = new Fault(7, FaultType.LEASE_DELETE, 1_000);
    f.lease("m-1");
    f.target("lease", true);
    f.leaseLeaderAtStart("m-0", "cand-1-0");
    f.leaseLeaderAtStart("m-1", "cand-2-0");
    f.edit(new Fault.LeaseEdit("delete", 1_100, 1_200, "cand-2-0"));
    f.healedAt(1_200);
    f.boundNanos(9_000);
    f.leaseRecovery("m-0", 9_000, 1_300, false);
    f.leaseRecovery("m-1", 9_000, 4_200, true);
    f.recoveredAt(4_200, true);

    Fault onAimed = f.forLease("m-1");
    Fault onOther = f.forLease("m-0");

    assertThat(onAimed.edits()).hasSize(1);
    assertThat(onOther.edits()).isEmpty();
    assertThat(onAimed.targetWasLeader()).isTrue();
    assertThat(onOther.targetWasLeader()).isFalse();
    assertThat(onAimed.leaderAtStart()).isEqualTo("cand-2-0");
    assertThat(onOther.leaderAtStart()).isEqualTo("cand-1-0");
    assertThat(onAimed.recoveryNanos()).isEqualTo(3_000);
    assertThat(onOther.recoveryNanos()).isEqualTo(100);
    assertThat(onOther.recoveryNeededWrite()).isFalse();
  }

  @Test
  void aProcessFaultHitsTheLeaderOfEveryLeaseItLed() {
    Fault f = new Fault(3, FaultType.SIGKILL, 1_000);
    f.lease("m-0");
    f.target("cand-1-0", true);
    f.leaseLeaderAtStart("m-0", "cand-1-0");
    f.leaseLeaderAtStart("m-1", "cand-1-0");
    f.leaseLeaderAtStart("m-2", "cand-3-0");
    f.freeze(new Fault.Freeze("cand-1-0", 1_000, 2_000));
    f.healedAt(2_000);
    f.leaseRecovery("m-2", 9_000, Long.MIN_VALUE, false);

    assertThat(f.forLease("m-1").targetWasLeader()).isTrue();
    assertThat(f.forLease("m-2").targetWasLeader()).isFalse();
    assertThat(f.forLease("m-2").freezes()).hasSize(1);
    assertThat(f.forLease("m-2").recoveryNanos()).as("never recovered").isEqualTo(-1);
  }

  private static List<String> kinds(CandidateLog l) {
    return l.events().stream().map(e -> e.kind().equals("READY") ? "READY" : e.toString()).toList();
  }
}
