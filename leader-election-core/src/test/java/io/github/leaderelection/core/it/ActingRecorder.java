package io.github.leaderelection.core.it;

import io.github.leaderelection.core.ElectionObserver;
import io.github.leaderelection.core.LeadershipListener;
import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.core.LossReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Records one candidate's acting-leader intervals as election-semantics.md defines them for
 * the chaos suite: {@code [ack, end]} on the monotonic clock, where ack is when the acquiring
 * write was acknowledged and end the earlier of the observed loss and the last successful
 * renewal's send time plus the renew deadline. Candidates in one JVM share the clock.
 */
final class ActingRecorder implements ElectionObserver, LeadershipListener {

  /** One term: [ack, end] in nanoTime. */
  record Interval(String identity, long ack, long end, long token) {}

  private final String identity;
  private final long renewDeadlineNanos;
  private final List<Interval> closed = new ArrayList<>();
  private final List<String> events = new ArrayList<>();
  private final List<LossReason> losses = new ArrayList<>();
  private long ack = -1;
  private long lastRenewSent;
  private long token;

  ActingRecorder(String identity, Duration renewDeadline) {
    this.identity = identity;
    this.renewDeadlineNanos = renewDeadline.toNanos();
  }

  @Override
  public synchronized void renewed(long sentAtNanos, Duration latency) {
    lastRenewSent = sentAtNanos;
  }

  @Override
  public synchronized void acquired(LeadershipTerm term, Duration sinceCandidacy) {
    ack = System.nanoTime();
    token = term.fencingToken();
  }

  @Override
  public synchronized void lost(LeadershipTerm term, LossReason reason) {
    long observed = System.nanoTime();
    closed.add(new Interval(identity, ack, Math.min(observed, lastRenewSent + renewDeadlineNanos), token));
    losses.add(reason);
    ack = -1;
  }

  @Override
  public synchronized void onElected(LeadershipTerm term) {
    events.add("elected");
  }

  @Override
  public synchronized void onLost(LeadershipTerm term, LossReason reason) {
    events.add("lost");
  }

  /** All intervals; a term still running ends at the earlier of now and its deadline. */
  synchronized List<Interval> intervals() {
    List<Interval> all = new ArrayList<>(closed);
    if (ack >= 0) {
      all.add(new Interval(identity, ack, Math.min(System.nanoTime(), lastRenewSent + renewDeadlineNanos), token));
    }
    return all;
  }

  synchronized long lastRenewSent() {
    return lastRenewSent;
  }

  synchronized Long currentAck() {
    return ack < 0 ? null : ack;
  }

  synchronized List<String> events() {
    return List.copyOf(events);
  }

  synchronized List<LossReason> losses() {
    return List.copyOf(losses);
  }

  String identity() {
    return identity;
  }
}
