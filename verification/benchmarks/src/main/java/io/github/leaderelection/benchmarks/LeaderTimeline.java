package io.github.leaderelection.benchmarks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Who acted as leader when, from the candidates' event logs: a process acts as leader from its
 * {@code ELECTED} line to its next {@code LOST} line, or to the end of its output when it
 * exited (or was killed) without one. A {@code LOST} without an open term (client-java prints
 * one on every follower's shutdown) closes nothing.
 *
 * <p>Pure: no clock, no processes; all times are nanoTime values of one clock.
 */
final class LeaderTimeline {

  /** One term of one process: [from, to); {@code to} is {@link Long#MAX_VALUE} while open. */
  record Term(String process, long from, long to) {}

  /** One process' log: its protocol events in order, and when its output ended (or null). */
  record ProcessLog(String process, List<CandidateProcess.Event> events, Long endedAt) {}

  /** What {@link #summarize} finds in a window. */
  record Summary(long windowNanos, long leaderlessNanos, long overlapNanos, int elections, int gaps,
      List<String> electedInOrder) {}

  private final List<Term> terms;

  private LeaderTimeline(List<Term> terms) {
    this.terms = List.copyOf(terms);
  }

  static LeaderTimeline of(List<ProcessLog> logs) {
    List<Term> terms = new ArrayList<>();
    for (ProcessLog log : logs) {
      Long open = null;
      for (CandidateProcess.Event e : log.events()) {
        if (e.type().equals("ELECTED")) {
          if (open == null) {
            open = e.nanos();
          }
          // an ELECTED within an open term (a renewed election callback) keeps the term
        } else if (e.type().equals("LOST") && open != null) {
          terms.add(new Term(log.process(), open, Math.max(open, e.nanos())));
          open = null;
        }
      }
      if (open != null) {
        long end = log.endedAt() == null ? Long.MAX_VALUE : Math.max(open, log.endedAt());
        terms.add(new Term(log.process(), open, end));
      }
    }
    terms.sort(Comparator.comparingLong(Term::from));
    return new LeaderTimeline(terms);
  }

  /** Convenience for tests and callers holding plain maps: process → events, process → end. */
  static LeaderTimeline of(Map<String, List<CandidateProcess.Event>> events, Map<String, Long> endedAt) {
    List<ProcessLog> logs = new ArrayList<>();
    events.forEach((p, ev) -> logs.add(new ProcessLog(p, ev, endedAt.get(p))));
    return of(logs);
  }

  List<Term> terms() {
    return terms;
  }

  /** The processes acting as leader at {@code t}. */
  List<String> actingAt(long t) {
    return terms.stream().filter(term -> term.from() <= t && t < term.to()).map(Term::process).toList();
  }

  /**
   * Over [from, to]: how long nobody acted as leader, how long two or more did, how many
   * terms began (elections), in how many separate stretches nobody led, and who was elected
   * in which order.
   */
  Summary summarize(long from, long to) {
    if (to < from) {
      throw new IllegalArgumentException("window ends before it starts");
    }
    // Sweep over the term boundaries clipped to the window, counting acting leaders.
    List<long[]> points = new ArrayList<>();
    List<String> elected = new ArrayList<>();
    int elections = 0;
    for (Term t : terms) {
      long a = Math.max(t.from(), from);
      long b = Math.min(t.to(), to);
      if (t.from() > from && t.from() <= to) {
        elections++;
        elected.add(t.process());
      }
      if (a < b) {
        points.add(new long[] {a, +1});
        points.add(new long[] {b, -1});
      }
    }
    // Ends before starts at the same instant: a hand-over at one instant is neither a gap nor an overlap.
    points.sort(Comparator.<long[]>comparingLong(p -> p[0]).thenComparingLong(p -> p[1]));
    long leaderless = 0;
    long overlap = 0;
    int gaps = 0;
    int acting = 0;
    long cursor = from;
    boolean inGap = false;
    for (long[] p : points) {
      long span = p[0] - cursor;
      if (span > 0) {
        if (acting == 0) {
          leaderless += span;
          if (!inGap) {
            gaps++;
            inGap = true;
          }
        } else {
          inGap = false;
          if (acting >= 2) {
            overlap += span;
          }
        }
      }
      cursor = p[0];
      acting += (int) p[1];
      if (acting > 0) {
        inGap = false;
      }
    }
    if (to > cursor) {
      if (acting == 0) {
        leaderless += to - cursor;
        if (!inGap) {
          gaps++;
        }
      } else if (acting >= 2) {
        overlap += to - cursor;
      }
    }
    return new Summary(to - from, leaderless, overlap, elections, gaps, List.copyOf(elected));
  }
}
