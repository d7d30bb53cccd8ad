package io.github.leaderelection.chaos;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a {@link RunRecord} against "never two acting leaders" and the other rules the suite
 * measures (docs/chaos.md states them): acting intervals never overlap, leader-only work
 * starts inside its process's acting interval and never overlaps another process's work,
 * events alternate, and a leader is back within the bound after every fault.
 */
public final class InvariantChecker {

  /** What a finding is; {@link #violation} ones fail the run. */
  public enum Category {
    ACTING_OVERLAP(true, "acting intervals of two processes overlap"),
    WORK_OVERLAP(true, "leader-only executions of two processes overlap"),
    WORK_OUTSIDE_TERM(true, "a leader-only execution started outside its process's acting interval"),
    EVENT_ORDER(true, "events do not alternate (ELECTED/LOST, ACQUIRED/RELINQUISHED)"),
    NO_LEADER_IN_TIME(true, "no leader within the bound after a fault healed"),
    HOSTILE_CLEAR_OVERLAP(false, "hostile-clear overlap: an admin cleared the holder of a live leader; the "
        + "leader detected it within 2 x RP"),
    HOSTILE_DELETE_OVERLAP(false, "hostile-delete overlap: an admin deleted the lease of a live leader; a process "
        + "created it anew before the leader did; the leader detected it within 2 x RP"),
    DELETED_WHILE_FROZEN_OVERLAP(false, "deleted-while-frozen overlap: the lease was deleted while its leader was "
        + "frozen and recreated by a process that had never seen that leader's record"),
    FENCING_TOKEN_REGRESSION(true, "a new holder's fencing token is not above its predecessor's, with no admin "
        + "edit in between (rules 6 and 19)"),
    FENCING_TOKEN_RESET_BY_EDIT(false, "a new holder's fencing token is not above its predecessor's because an "
        + "admin edit or delete in between lost the count"),
    OVERRAN_TERM(false, "an execution started inside its term and ended after it"),
    OVERRAN_OVERLAP(false, "executions overlap, one of them having overrun its term"),
    EXCUSED_WORK_OVERLAP(false, "executions overlap inside an excused (hostile-edit) acting overlap"),
    TAKEOVER_BEFORE_RELEASE(true, "a process took over after another's term ended but before that one's "
        + "lost-listeners returned and before its lease expired: a release came too early or without them (rules 5, 23)"),
    ACQUIRED_WHILE_RELEASING(true, "a process acquired while its own step-down release was pending, or within its "
        + "step-down cool-down (rule 22)"),
    UNKNOWN_FIELD_NOT_TOLERATED(true, "a leader lost its term while the Leases it read carried a field the client "
        + "models do not know (rule 25)");

    private final boolean violation;
    private final String meaning;

    Category(boolean violation, String meaning) {
      this.violation = violation;
      this.meaning = meaning;
    }

    public boolean violation() {
      return violation;
    }

    public String meaning() {
      return meaning;
    }
  }

  /** One finding: category, when (monotonic), how long, and what exactly. */
  public record Finding(Category category, long at, long durationNanos, String text) {}

  /** One acting interval [start, end] of one process. */
  public record Term(CandidateLog who, int ordinal, long start, long sentAt, long end, long lastRenew, String endReason,
      long token, long relinquishedAt) {
    boolean overlaps(Term o) {
      return start < o.end && o.start < end;
    }
  }

  /** One leader-only execution. */
  public record Execution(CandidateLog who, long seq, long checkedFrom, long start, long end, boolean ended,
      long token, Term term, String overrun) {}

  /** A stretch without any acting leader. */
  public record Gap(long from, long to, String afterFault) {
    public long nanos() {
      return to - from;
    }
  }

  /** Everything the checker found. */
  public record Result(List<Finding> findings, List<Term> terms, List<Execution> executions, List<Gap> gaps) {

    public List<Finding> violations() {
      return findings.stream().filter(f -> f.category().violation()).toList();
    }

    public Map<Category, List<Finding>> byCategory() {
      Map<Category, List<Finding>> m = new EnumMap<>(Category.class);
      for (Finding f : findings) {
        m.computeIfAbsent(f.category(), k -> new ArrayList<>()).add(f);
      }
      return m;
    }
  }

  private final RunRecord run;
  private final long rd;
  private final long rp;
  /**
   * Programs without WORK_CHECK/ACQUIRED set their "leading" flag just before printing
   * ELECTED; a WORK_START stamped in between may precede ELECTED by microseconds.
   */
  private final long untracedTolerance;
  private final List<Finding> findings = new ArrayList<>();

  public InvariantChecker(RunRecord run) {
    this.run = run;
    this.rd = run.config().renewDeadline().toNanos();
    this.rp = run.config().retryPeriod().toNanos();
    this.untracedTolerance = run.config().traced() ? 0 : 5_000_000L;
  }

  public Result check() {
    List<Term> terms = new ArrayList<>();
    for (CandidateLog c : run.candidates()) {
      terms.addAll(run.config().traced() ? tracedTerms(c) : listenerTerms(c));
      checkAlternation(c);
    }
    terms.sort(Comparator.comparingLong(Term::start));
    Map<Term, Category> excused = checkOverlaps(terms);
    checkFencing(terms);
    if (run.config().traced()) {
      checkTakeoverAfterRelease(terms);
      for (CandidateLog c : run.candidates()) {
        checkStepDown(c);
      }
    }
    checkUnknownFieldTolerated(terms);
    List<Execution> executions = new ArrayList<>();
    for (CandidateLog c : run.candidates()) {
      executions.addAll(executions(c, terms));
    }
    executions.sort(Comparator.comparingLong(Execution::start));
    checkExecutionOverlaps(executions, excused);
    checkLiveness();
    findings.sort(Comparator.comparingLong(Finding::at));
    return new Result(List.copyOf(findings), terms, executions, gaps(terms));
  }

  // --- acting intervals --------------------------------------------------------------------------

  /** From the elector-thread lines: [ACQUIRED ack, min(RELINQUISHED, last renewal sent + RD)]. */
  private List<Term> tracedTerms(CandidateLog c) {
    List<Term> out = new ArrayList<>();
    long ack = 0;
    long sentAt = 0;
    long lastRenew = 0;
    long token = 0;
    boolean open = false;
    for (Event e : c.events()) {
      switch (e.kind()) {
        case "ACQUIRED" -> {
          if (open) {
            add(Category.EVENT_ORDER, e.num(0), 0, c + ": ACQUIRED while its term since " + t(ack) + " is open");
            out.add(new Term(c, out.size(), ack, sentAt, Math.min(e.num(0), lastRenew + rd), lastRenew, "REACQUIRED",
                token, Long.MAX_VALUE));
          }
          open = true;
          ack = e.num(0);
          token = e.num(1);
          sentAt = e.num(2);
          lastRenew = sentAt;
        }
        case "RENEWED" -> {
          if (open) {
            lastRenew = Math.max(lastRenew, e.num(0));
          }
        }
        case "RELINQUISHED" -> {
          if (!open) {
            add(Category.EVENT_ORDER, e.num(0), 0, c + ": RELINQUISHED without a term");
            continue;
          }
          out.add(new Term(c, out.size(), ack, sentAt, Math.min(e.num(0), lastRenew + rd), lastRenew, e.str(2, "?"),
              token, e.num(0)));
          open = false;
        }
        default -> {
          // other lines do not bound terms
        }
      }
    }
    if (open) {
      String reason = c.killedAt() != Long.MIN_VALUE ? "KILLED" : "NO_RELINQUISHED_BEFORE_EXIT";
      out.add(new Term(c, out.size(), ack, sentAt, lastRenew + rd, lastRenew, reason, token, Long.MAX_VALUE));
    }
    return out;
  }

  /**
   * For candidates without the elector-thread lines: [ELECTED, LOST] as printed by the
   * listener (later than the real start: it can hide an overlap, never invent one).
   */
  private List<Term> listenerTerms(CandidateLog c) {
    List<Term> out = new ArrayList<>();
    long start = 0;
    long token = -1;
    boolean open = false;
    for (Event e : c.events()) {
      if (e.kind().equals("ELECTED")) {
        if (open) {
          continue; // reported by checkAlternation
        }
        open = true;
        start = e.num(0);
        token = e.fields().length > 1 ? e.num(1) : -1;
      } else if (e.kind().equals("LOST") && open) {
        out.add(new Term(c, out.size(), start, start, e.num(0), start, e.str(1, "?"), token, e.num(0)));
        open = false;
      }
    }
    if (open) {
      long end = c.killedAt() != Long.MIN_VALUE ? c.killedAt()
          : c.exitedAt() != Long.MIN_VALUE ? c.exitedAt() : run.endedAt();
      out.add(new Term(c, out.size(), start, start, end, start, c.killedAt() != Long.MIN_VALUE ? "KILLED" : "NO_LOST",
          token, Long.MAX_VALUE));
    }
    return out;
  }

  private void checkAlternation(CandidateLog c) {
    alternate(c, "ELECTED", "LOST");
    if (run.config().traced()) {
      alternate(c, "ACQUIRED", "RELINQUISHED");
    }
  }

  private void alternate(CandidateLog c, String up, String down) {
    boolean leader = false;
    boolean closed = false;
    for (Event e : c.events()) {
      if (e.kind().equals(up)) {
        if (leader) {
          add(Category.EVENT_ORDER, e.nanos(), 0, c + ": " + up + " twice without " + down + " between");
        }
        leader = true;
      } else if (e.kind().equals(down)) {
        if (!leader) {
          add(Category.EVENT_ORDER, e.nanos(), 0, c + ": " + down + " without " + up + " before");
        }
        leader = false;
      } else if (e.kind().equals("CLOSED")) {
        closed = true;
        if (leader) {
          add(Category.EVENT_ORDER, e.nanos(), 0, c + ": CLOSED while still leader (no " + down + ")");
        }
      }
    }
    if (leader && !closed && c.killedAt() == Long.MIN_VALUE) {
      add(Category.EVENT_ORDER, run.endedAt(), 0, c + ": still leader (" + up + " without " + down
          + ") when its process ended without being killed");
    }
  }

  /** Every pair of overlapping terms of different processes, classified. */
  private Map<Term, Category> checkOverlaps(List<Term> terms) {
    Map<Term, Category> excused = new HashMap<>();
    for (int i = 0; i < terms.size(); i++) {
      Term a = terms.get(i);
      for (int j = i + 1; j < terms.size() && terms.get(j).start() < a.end(); j++) {
        Term b = terms.get(j);
        if (b.who() == a.who()) {
          continue;
        }
        long from = b.start();
        long to = Math.min(a.end(), b.end());
        String why = classify(a, b);
        Category cat = why == null ? Category.ACTING_OVERLAP : Category.valueOf(why.substring(0, why.indexOf(':')));
        String text = a.who() + " term " + t(a.start()) + ".." + t(a.end()) + " (token " + a.token() + ", ended "
            + a.endReason() + ", last renewal sent " + t(a.lastRenew()) + ") overlaps " + b.who() + " term "
            + t(b.start()) + ".." + t(b.end()) + " (token " + b.token() + ", acquiring write sent " + t(b.sentAt())
            + ") by " + ms(to - from) + (why == null ? "" : "; " + why.substring(why.indexOf(':') + 2))
            + "; faults around: " + faultsAround(from);
        add(cat, from, to - from, text);
        if (cat != Category.ACTING_OVERLAP) {
          excused.put(a, cat);
          excused.put(b, cat);
        }
      }
    }
    return excused;
  }

  /** Rule 6 and 19: each change of holder raises the fencing token. */
  private void checkFencing(List<Term> terms) {
    Term prev = null;
    for (Term t : terms) {
      if (t.token() < 0) {
        continue; // the program has no token
      }
      if (prev != null && t.who() != prev.who() && t.token() <= prev.token()) {
        List<String> edits = new ArrayList<>();
        for (Fault f : run.faults()) {
          for (Fault.LeaseEdit e : f.edits()) {
            if (e.sentAt() >= prev.start() && e.sentAt() <= t.start()) {
              edits.add("'" + e.what() + "' at " + t(e.sentAt()) + " (fault #" + f.id() + ")");
            }
          }
        }
        String text = t.who() + " acquired at " + t(t.start()) + " with token " + t.token() + " after " + prev.who()
            + " (term from " + t(prev.start()) + ", token " + prev.token() + ")"
            + (edits.isEmpty() ? "; no lease edit in between" : "; edits in between: " + String.join(", ", edits));
        add(edits.isEmpty() ? Category.FENCING_TOKEN_REGRESSION : Category.FENCING_TOKEN_RESET_BY_EDIT, t.start(), 0,
            text);
      }
      prev = t;
    }
  }

  // --- release, step-down and unknown fields (rules 5, 22, 23, 25) -------------------------------

  /**
   * Rules 5 and 23: after A's term ended, a rival B may take over only once A released (which
   * happens after A's lost-listeners returned, and only for a step-down or a shutdown that did
   * not give up on them: within the shutdown timeout) or once A's lease expired: B's acquiring
   * write is sent at least LD after A's last renewal was sent, since B can have seen that
   * renewal only after it was sent. An admin edit in between frees the lease by other means.
   * Runs recorded before the candidates printed LOST_LISTENER_END are not checked.
   */
  private void checkTakeoverAfterRelease(List<Term> terms) {
    boolean recorded = run.candidates().stream()
        .anyMatch(c -> c.events().stream().anyMatch(e -> e.kind().equals("LOST_LISTENER_END")));
    if (!recorded) {
      return;
    }
    long ld = run.config().leaseDuration().toNanos();
    long st = run.config().shutdownTimeout().toNanos();
    Map<Term, Long> listenerEnds = listenerEnds(terms);
    for (Term a : terms) {
      long expiry = a.lastRenew() + ld;
      Long listenerEnd = listenerEnds.get(a);
      boolean releases = a.endReason().equals("RELEASED") || a.endReason().equals("SHUTDOWN");
      // Given up on (rule 23): later than the shutdown timeout after the loss, no release may follow.
      boolean inTime = listenerEnd != null && listenerEnd - a.relinquishedAt() <= st;
      long gate = releases && inTime ? Math.min(listenerEnd, expiry) : expiry;
      for (Term b : terms) {
        if (b.who() == a.who() || b.start() < a.end() || b.sentAt() >= gate || b.sentAt() < a.start()) {
          continue;
        }
        if (editBetween(a.start(), b.sentAt()) != null) {
          continue;
        }
        add(Category.TAKEOVER_BEFORE_RELEASE, b.sentAt(), gate - b.sentAt(), b.who() + " sent its acquiring write at "
            + t(b.sentAt()) + " after " + a.who() + "'s term " + t(a.start()) + ".." + t(a.end()) + " (token "
            + a.token() + ", ended " + a.endReason() + ", last renewal sent " + t(a.lastRenew()) + "), "
            + ms(gate - b.sentAt()) + " before " + (gate == expiry ? "that lease expired (last renewal + LD"
                + (listenerEnd == null ? "; its lost-listener never returned" : releases && !inTime
                ? "; its lost-listener returned only at " + t(listenerEnd) + ", past the shutdown timeout" : "")
                + ")" : "its lost-listener returned (" + t(listenerEnd) + ")")
            + "; faults around: " + faultsAround(b.sentAt()));
      }
    }
  }

  /** Each term's LOST_LISTENER_END (same token, after its start, in order); absent when none came. */
  private Map<Term, Long> listenerEnds(List<Term> terms) {
    Map<Term, Long> out = new HashMap<>();
    for (CandidateLog c : run.candidates()) {
      List<Event> ends = c.events().stream().filter(e -> e.kind().equals("LOST_LISTENER_END")).toList();
      int next = 0;
      for (Term t : terms.stream().filter(x -> x.who() == c).sorted(Comparator.comparingInt(Term::ordinal)).toList()) {
        for (int i = next; i < ends.size(); i++) {
          Event e = ends.get(i);
          if (e.num(0) >= t.start() && e.num(1) == t.token()) {
            out.put(t, e.num(0));
            next = i + 1;
            break;
          }
        }
      }
    }
    return out;
  }

  private Fault.LeaseEdit editBetween(long from, long to) {
    for (Fault f : run.faults()) {
      for (Fault.LeaseEdit e : f.edits()) {
        if (e.sentAt() >= from && e.sentAt() <= to) {
          return e;
        }
      }
    }
    return null;
  }

  /**
   * Rule 22: after a step-down (RELINQUISHED ... RELEASED) the process acquires neither while
   * its release is pending (before STEP_DOWN_DONE) nor within the cool-down, which starts when
   * the release finished, so no earlier than the RELINQUISHED line.
   */
  private void checkStepDown(CandidateLog c) {
    long cooldown = run.config().stepDownCooldown().toNanos();
    boolean pending = false;
    long steppedDownAt = Long.MIN_VALUE;
    for (Event e : c.events()) {
      switch (e.kind()) {
        case "RELINQUISHED" -> {
          if (e.str(2, "").equals("RELEASED")) {
            pending = true;
            steppedDownAt = e.num(0);
          }
        }
        case "STEP_DOWN_DONE" -> pending = false;
        case "ACQUIRED" -> {
          if (steppedDownAt != Long.MIN_VALUE) {
            if (pending) {
              add(Category.ACQUIRED_WHILE_RELEASING, e.num(0), 0, c + " acquired at " + t(e.num(0))
                  + " while the release of its step-down at " + t(steppedDownAt) + " was still pending");
            } else if (e.num(2) < steppedDownAt + cooldown) {
              add(Category.ACQUIRED_WHILE_RELEASING, e.num(2), steppedDownAt + cooldown - e.num(2), c
                  + " sent an acquiring write at " + t(e.num(2)) + ", " + ms(steppedDownAt + cooldown - e.num(2))
                  + " inside the cool-down of its step-down at " + t(steppedDownAt));
            }
            steppedDownAt = Long.MIN_VALUE;
            pending = false;
          }
        }
        default -> {
          // other lines do not matter here
        }
      }
    }
  }

  /**
   * Rule 25: a leader whose every read carried an unknown Lease field, for longer than RD,
   * must still be leading at the end: nothing else ends a healthy term meanwhile (faults do not overlap).
   */
  private void checkUnknownFieldTolerated(List<Term> terms) {
    for (Fault f : run.faults()) {
      if (f.type() != FaultType.UNKNOWN_LEASE_FIELD || !f.targetWasLeader() || f.injected() == 0) {
        continue;
      }
      for (Term t : terms) {
        if (t.who().identity().equals(f.target()) && t.start() <= f.startedAt() && t.end() > f.startedAt()
            && t.end() < f.healedAt() && !t.endReason().equals("SHUTDOWN") && !t.endReason().equals("KILLED")) {
          add(Category.UNKNOWN_FIELD_NOT_TOLERATED, t.end(), f.healedAt() - t.end(), t.who() + " term "
              + t(t.start()) + ".." + t(t.end()) + " ended " + t.endReason() + " " + ms(t.end() - f.startedAt())
              + " into fault " + f + " [" + t(f.startedAt()) + ".." + t(f.healedAt()) + "]");
        }
      }
    }
  }

  /**
   * Why an overlap of {@code a} (older) and {@code b} (newer) is no elector's fault, as
   * "CATEGORY: explanation"; null when it is a violation.
   */
  private String classify(Term a, Term b) {
    Fault.LeaseEdit clear = null;
    Fault.LeaseEdit delete = null;
    for (Fault f : run.faults()) {
      for (Fault.LeaseEdit e : f.edits()) {
        if (e.sentAt() <= b.start() && e.sentAt() < a.end() && e.sentAt() >= a.start()) {
          if (e.clearsHolder()) {
            clear = e;
          } else if (e.deletes()) {
            delete = e;
          }
        }
      }
    }
    // Ours names the cause; other programs only say that their term ended (not by a shutdown).
    boolean detected = run.config().traced() ? a.endReason().equals("LEASE_TAKEN")
        : !a.endReason().equals("SHUTDOWN") && !a.endReason().equals("KILLED");
    if (clear != null && a.endReason().equals("KILLED") && a.who().killedAt() != Long.MIN_VALUE
        && a.who().killedAt() <= clear.ackAt() + 2 * rp) {
      // Killed before it could have noticed the clear: it had no chance to detect it, and a
      // dead process acts no more, so this is the hostile-clear overlap, not the elector's.
      return "HOSTILE_CLEAR_OVERLAP: admin wrote '" + clear.what() + "' at " + t(clear.sentAt()) + ".."
          + t(clear.ackAt()) + " while " + a.who() + " led; it was killed " + ms(a.who().killedAt() - clear.ackAt())
          + " after the edit, before it could notice";
    }
    if (clear != null && detected && a.end() <= clear.ackAt() + 2 * rp) {
      return "HOSTILE_CLEAR_OVERLAP: admin wrote '" + clear.what() + "' at " + t(clear.sentAt()) + ".."
          + t(clear.ackAt()) + " while " + a.who() + " led; it lost (LEASE_TAKEN) "
          + ms(a.end() - clear.ackAt()) + " after the edit";
    }
    if (delete != null) {
      if (detected && a.end() <= delete.ackAt() + 2 * rp) {
        return "HOSTILE_DELETE_OVERLAP: admin deleted the lease at " + t(delete.sentAt()) + " while " + a.who()
            + " led; it lost (LEASE_TAKEN) " + ms(a.end() - delete.ackAt()) + " after the delete";
      }
      Fault.Freeze freeze = freezeOf(a.who(), delete.sentAt());
      if (freeze != null && neverSaw(b, a.who().identity(), delete.sentAt())) {
        return "DELETED_WHILE_FROZEN_OVERLAP: admin deleted the lease at " + t(delete.sentAt()) + " while "
            + a.who() + " was frozen (" + t(freeze.stoppedAt()) + ".." + t(freeze.continuedAt()) + "); "
            + b.who() + " (started " + t(b.who().spawnedAt()) + ") had never seen " + a.who().identity()
            + " hold the lease when it created it";
      }
    }
    return null;
  }

  /**
   * Whether {@code b}'s process had never been told of {@code holder} as the lease's holder
   * before it sent the acquiring write of {@code b}: no NEW_LEADER line naming it, stamped before
   * that send, ahead of the ELECTED of that term. What the process learnt while the write was in
   * flight cannot have informed the decision to create. Without those lines (other candidate
   * programs), only a process started after the fact counts as never having seen it.
   */
  private boolean neverSaw(Term b, String holder, long deletedAt) {
    List<Event> events = b.who().events();
    if (!run.config().traced()) {
      return b.who().spawnedAt() >= deletedAt;
    }
    int elected = 0;
    for (Event e : events) {
      if (e.kind().equals("ELECTED")) {
        if (elected++ == b.ordinal()) {
          return true;
        }
      } else if (e.kind().equals("NEW_LEADER") && e.str(1, "").equals(holder) && e.num(0) < b.sentAt()) {
        return false;
      }
    }
    return true;
  }

  private Fault.Freeze freezeOf(CandidateLog who, long at) {
    for (Fault f : run.faults()) {
      for (Fault.Freeze z : f.freezes()) {
        if (z.identity().equals(who.identity()) && z.stoppedAt() <= at && at <= z.continuedAt()) {
          return z;
        }
      }
    }
    return null;
  }

  // --- leader-only work --------------------------------------------------------------------------

  private List<Execution> executions(CandidateLog c, List<Term> allTerms) {
    List<Term> terms = allTerms.stream().filter(t -> t.who() == c).toList();
    Map<Long, long[]> open = new LinkedHashMap<>(); // seq -> {checkedFrom, start, token}
    Map<Long, Long> checks = new HashMap<>();
    List<Execution> out = new ArrayList<>();
    long processEnd = c.killedAt() != Long.MIN_VALUE ? c.killedAt()
        : c.exitedAt() != Long.MIN_VALUE ? c.exitedAt() : run.endedAt();
    long closedAt = Long.MIN_VALUE;
    for (Event e : c.events()) {
      switch (e.kind()) {
        case "WORK_CHECK" -> checks.put(e.num(1), e.num(0));
        case "WORK_START" -> {
          long seq = e.num(1);
          long start = e.num(0);
          long from = run.config().traced() ? checks.getOrDefault(seq, start) : start;
          open.put(seq, new long[] {from, start, e.fields().length > 2 ? e.num(2) : -1});
        }
        case "WORK_END" -> {
          long[] s = open.remove(e.num(1));
          if (s != null) {
            out.add(execution(c, e.num(1), s, e.num(0), true, terms, Long.MIN_VALUE));
          }
        }
        case "CLOSED" -> closedAt = e.num(0);
        default -> {
          // not work
        }
      }
    }
    for (Map.Entry<Long, long[]> left : open.entrySet()) {
      out.add(execution(c, left.getKey(), left.getValue(), Math.max(processEnd, left.getValue()[1]), false, terms,
          closedAt));
    }
    return out;
  }

  private Execution execution(CandidateLog c, long seq, long[] s, long end, boolean ended, List<Term> terms,
      long closedAt) {
    long checkedFrom = s[0];
    long start = s[1];
    long token = s[2];
    Term term = null;
    for (Term t : terms) {
      // The check happened at some instant in [checkedFrom, start]; it must lie in [t.start, t.end].
      if (checkedFrom <= t.end() && start >= t.start() - untracedTolerance) {
        term = t;
      }
    }
    if (term == null) {
      add(Category.WORK_OUTSIDE_TERM, start, 0, c + ": execution " + seq + " checked at " + t(checkedFrom) + ".."
          + t(start) + " outside every acting interval of its process; nearest: " + nearest(terms, start)
          + "; faults around: " + faultsAround(start));
      return new Execution(c, seq, checkedFrom, start, end, ended, token, null, null);
    }
    if (run.config().traced() && token >= 0 && token != term.token()) {
      add(Category.WORK_OUTSIDE_TERM, start, 0, c + ": execution " + seq + " carries token " + token
          + " but its term has " + term.token());
    }
    String overrun = null;
    if (end > term.end()) {
      Fault.Freeze freeze = null;
      for (Fault f : run.faults()) {
        for (Fault.Freeze z : f.freezes()) {
          if (z.identity().equals(c.identity()) && z.stoppedAt() < end && z.continuedAt() > checkedFrom) {
            freeze = z;
          }
        }
      }
      if (freeze != null) {
        overrun = "frozen " + ms(freeze.continuedAt() - freeze.stoppedAt()) + " from " + t(freeze.stoppedAt());
      } else if (closedAt != Long.MIN_VALUE || !ended && c.killedAt() == Long.MIN_VALUE) {
        overrun = "process shutting down";
      } else if (!ended) {
        overrun = "process killed";
      } else {
        overrun = "term ended (" + term.endReason() + ") while it ran";
      }
      add(Category.OVERRAN_TERM, term.end(), end - term.end(), c + ": execution " + seq + " " + t(start) + ".."
          + t(end) + " overran its term (ended " + t(term.end()) + ", " + term.endReason() + ") by "
          + ms(end - term.end()) + ": " + overrun);
    }
    return new Execution(c, seq, checkedFrom, start, end, ended, token, term, overrun);
  }

  private void checkExecutionOverlaps(List<Execution> executions, Map<Term, Category> excused) {
    for (int i = 0; i < executions.size(); i++) {
      Execution a = executions.get(i);
      for (int j = i + 1; j < executions.size() && executions.get(j).start() < a.end(); j++) {
        Execution b = executions.get(j);
        if (b.who() == a.who()) {
          continue;
        }
        long from = b.start();
        long to = Math.min(a.end(), b.end());
        String text = a.who() + " execution " + a.seq() + " " + t(a.start()) + ".." + t(a.end())
            + (a.overrun() == null ? "" : " (overran: " + a.overrun() + ")") + " overlaps " + b.who()
            + " execution " + b.seq() + " " + t(b.start()) + ".." + t(b.end())
            + (b.overrun() == null ? "" : " (overran: " + b.overrun() + ")") + " by " + ms(to - from);
        Category cat;
        if (a.overrun() != null || b.overrun() != null) {
          cat = Category.OVERRAN_OVERLAP;
        } else if (a.term() != null && b.term() != null && excused.containsKey(a.term())
            && excused.containsKey(b.term()) && a.term().overlaps(b.term())) {
          cat = Category.EXCUSED_WORK_OVERLAP;
          text += " (inside a " + excused.get(a.term()) + ")";
        } else {
          cat = Category.WORK_OVERLAP;
          text += "; faults around: " + faultsAround(from);
        }
        add(cat, from, to - from, text);
      }
    }
  }

  // --- liveness ---------------------------------------------------------------------------------

  private void checkLiveness() {
    if (run.aborted() != null) {
      add(Category.NO_LEADER_IN_TIME, run.endedAt(), 0, "run " + run.aborted());
    }
    for (Fault f : run.faults()) {
      long r = f.recoveryNanos();
      if (r < 0) {
        add(Category.NO_LEADER_IN_TIME, f.healedAt(), 0, "no leader ever confirmed after " + f);
      } else if (r > f.boundNanos()) {
        add(Category.NO_LEADER_IN_TIME, f.healedAt(), r, "leader confirmed only " + ms(r) + " after the heal of "
            + f + " (bound " + ms(f.boundNanos()) + ")");
      }
    }
  }

  private List<Gap> gaps(List<Term> terms) {
    List<Gap> gaps = new ArrayList<>();
    long covered = run.firstLeaderAt();
    for (Term term : terms) {
      if (term.start() > covered && covered < run.endedAt()) {
        long to = Math.min(term.start(), run.endedAt());
        gaps.add(new Gap(covered, to, lastFaultBefore(covered)));
      }
      covered = Math.max(covered, term.end());
    }
    gaps.sort(Comparator.comparingLong(Gap::nanos).reversed());
    return gaps;
  }

  // --- helpers ------------------------------------------------------------------------------------

  private String lastFaultBefore(long at) {
    Fault last = null;
    for (Fault f : run.faults()) {
      if (f.startedAt() <= at) {
        last = f;
      }
    }
    return last == null ? "(before the first fault)" : last.toString();
  }

  private String faultsAround(long at) {
    List<String> near = new ArrayList<>();
    long window = run.config().leaseDuration().toNanos() * 2;
    for (Fault f : run.faults()) {
      long end = f.healedAt() == Long.MIN_VALUE ? f.startedAt() : f.healedAt();
      if (f.startedAt() <= at + 1_000_000_000L && end >= at - window) {
        near.add(f + " [" + t(f.startedAt()) + ".." + t(end) + "]");
      }
    }
    return near.isEmpty() ? "none" : String.join("; ", near);
  }

  private String nearest(List<Term> terms, long at) {
    Term best = null;
    for (Term t : terms) {
      if (best == null || Math.abs(t.start() - at) < Math.abs(best.start() - at)) {
        best = t;
      }
    }
    return best == null ? "no term at all" : t(best.start()) + ".." + t(best.end()) + " (" + best.endReason() + ")";
  }

  private void add(Category c, long at, long duration, String text) {
    findings.add(new Finding(c, at, duration, text));
  }

  /** A monotonic instant as seconds since the run started. */
  private String t(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.3fs", (nanos - run.startedAt()) / 1e9);
  }

  static String ms(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.1f ms", nanos / 1e6);
  }
}
