package io.github.leaderelection.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeaderTimelineTest {

  private static CandidateProcess.Event elected(long t) {
    return new CandidateProcess.Event("ELECTED", t, List.of("ELECTED", Long.toString(t), "-1"));
  }

  private static CandidateProcess.Event lost(long t) {
    return new CandidateProcess.Event("LOST", t, List.of("LOST", Long.toString(t), "SHUTDOWN"));
  }

  private static CandidateProcess.Event ready() {
    return new CandidateProcess.Event("READY", 0, List.of("READY", "x", "1"));
  }

  @Test
  void aHandoverWithAGapCountsTheGapOnce() {
    Map<String, List<CandidateProcess.Event>> ev = new LinkedHashMap<>();
    ev.put("a", List.of(ready(), elected(100), lost(500)));
    ev.put("b", List.of(ready(), elected(700)));
    LeaderTimeline.Summary s = LeaderTimeline.of(ev, Map.of()).summarize(200, 1000);
    assertThat(s.leaderlessNanos()).isEqualTo(200);
    assertThat(s.overlapNanos()).isZero();
    assertThat(s.elections()).isEqualTo(1);
    assertThat(s.gaps()).isEqualTo(1);
    assertThat(s.electedInOrder()).containsExactly("b");
    assertThat(s.windowNanos()).isEqualTo(800);
  }

  @Test
  void twoLeadersAtOnceAreAnOverlapNotAGap() {
    Map<String, List<CandidateProcess.Event>> ev = new LinkedHashMap<>();
    ev.put("a", List.of(elected(0), lost(600)));
    ev.put("b", List.of(elected(400), lost(900)));
    ev.put("c", List.of(elected(950)));
    LeaderTimeline.Summary s = LeaderTimeline.of(ev, Map.of()).summarize(0, 1000);
    assertThat(s.overlapNanos()).isEqualTo(200);
    assertThat(s.leaderlessNanos()).isEqualTo(50);
    // a's term began at the window's start, not inside it
    assertThat(s.elections()).isEqualTo(2);
    assertThat(s.electedInOrder()).containsExactly("b", "c");
  }

  @Test
  void aProcessThatEndsWithoutLostStopsActingWhenItsOutputEnds() {
    Map<String, List<CandidateProcess.Event>> ev = new LinkedHashMap<>();
    ev.put("a", List.of(elected(10)));
    ev.put("b", List.of(elected(800)));
    LeaderTimeline t = LeaderTimeline.of(ev, Map.of("a", 300L));
    LeaderTimeline.Summary s = t.summarize(0, 1000);
    assertThat(s.leaderlessNanos()).isEqualTo(10 + 500);
    assertThat(s.gaps()).isEqualTo(2);
    assertThat(t.actingAt(299)).containsExactly("a");
    assertThat(t.actingAt(300)).isEmpty();
    assertThat(t.actingAt(5000)).containsExactly("b");
  }

  @Test
  void aLostWithoutATermClosesNothingAndARepeatedElectedKeepsTheTerm() {
    Map<String, List<CandidateProcess.Event>> ev = new LinkedHashMap<>();
    // a follower's shutdown LOST (client-java), then the real leader
    ev.put("follower", List.of(lost(100)));
    ev.put("leader", List.of(elected(0), elected(200), lost(900)));
    LeaderTimeline t = LeaderTimeline.of(ev, Map.of());
    assertThat(t.terms()).hasSize(1);
    LeaderTimeline.Summary s = t.summarize(0, 1000);
    assertThat(s.leaderlessNanos()).isEqualTo(100);
    assertThat(s.elections()).isZero();
  }

  @Test
  void handoverAtTheSameInstantIsNeitherGapNorOverlap() {
    Map<String, List<CandidateProcess.Event>> ev = new LinkedHashMap<>();
    ev.put("a", List.of(elected(0), lost(500)));
    ev.put("b", List.of(elected(500)));
    LeaderTimeline.Summary s = LeaderTimeline.of(ev, Map.of()).summarize(0, 1000);
    assertThat(s.leaderlessNanos()).isZero();
    assertThat(s.overlapNanos()).isZero();
    assertThat(s.gaps()).isZero();
    assertThat(s.elections()).isEqualTo(1);
  }

  @Test
  void nobodyAtAllIsOneGapOverTheWholeWindow() {
    LeaderTimeline.Summary s = LeaderTimeline.of(Map.of("a", List.of(ready())), Map.of()).summarize(100, 400);
    assertThat(s.leaderlessNanos()).isEqualTo(300);
    assertThat(s.gaps()).isEqualTo(1);
    assertThatThrownBy(() -> LeaderTimeline.of(Map.of(), Map.of()).summarize(5, 4))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void termsOutsideTheWindowAreClipped() {
    Map<String, List<CandidateProcess.Event>> ev = new LinkedHashMap<>();
    ev.put("a", List.of(elected(0), lost(150)));
    ev.put("b", List.of(elected(180), lost(2000)));
    LeaderTimeline.Summary s = LeaderTimeline.of(ev, Map.of()).summarize(100, 1000);
    assertThat(s.leaderlessNanos()).isEqualTo(30);
    assertThat(s.elections()).isEqualTo(1);
  }
}
