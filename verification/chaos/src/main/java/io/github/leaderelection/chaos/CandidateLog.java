package io.github.leaderelection.chaos;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything one candidate process printed, plus what the runner did to it, and the live view
 * the runner needs while it runs (is this process acting now?).
 */
public final class CandidateLog {

  private final String identity;
  private final int slot;
  private final long spawnedAt;
  private final long wallOffsetMillis;
  private final List<Event> events = new ArrayList<>();
  private volatile long pid = -1;
  private volatile long killedAt = Long.MIN_VALUE;
  private volatile long exitedAt = Long.MIN_VALUE;
  private volatile boolean frozen;

  // live state, from the lines seen so far
  private boolean tracedTermOpen;
  private boolean listenerTermOpen;
  private long lastRenewSent = Long.MIN_VALUE;
  private long lastElectedOrRenewedLine = Long.MIN_VALUE;
  private boolean traced;

  public CandidateLog(String identity, int slot, long spawnedAt, long wallOffsetMillis) {
    this.identity = identity;
    this.slot = slot;
    this.spawnedAt = spawnedAt;
    this.wallOffsetMillis = wallOffsetMillis;
  }

  public synchronized void add(Event e) {
    events.add(e);
    switch (e.kind()) {
      case "READY" -> {
        if (e.fields().length > 1) {
          pid = Long.parseLong(e.fields()[1]);
        }
      }
      case "ACQUIRED" -> {
        traced = true;
        tracedTermOpen = true;
        lastRenewSent = Math.max(lastRenewSent, e.num(2));
      }
      case "RENEWED" -> {
        lastRenewSent = Math.max(lastRenewSent, e.num(0));
        lastElectedOrRenewedLine = e.arrivalNanos();
      }
      case "RELINQUISHED" -> tracedTermOpen = false;
      case "ELECTED" -> {
        listenerTermOpen = true;
        lastElectedOrRenewedLine = e.arrivalNanos();
      }
      case "LOST" -> listenerTermOpen = false;
      default -> {
        // nothing live
      }
    }
  }

  /**
   * Whether this process acts as leader at {@code now} as far as its lines tell, and is
   * neither frozen nor dead. With the elector-thread lines: an open term whose last renewal
   * was sent less than {@code renewDeadline} ago; otherwise an ELECTED not yet followed by LOST.
   */
  public synchronized boolean actingAt(long now, long renewDeadlineNanos) {
    if (frozen || killedAt != Long.MIN_VALUE || exitedAt != Long.MIN_VALUE) {
      return false;
    }
    if (traced) {
      return tracedTermOpen && now - lastRenewSent < renewDeadlineNanos;
    }
    return listenerTermOpen;
  }

  /**
   * Whether it acts and has shown a successful write since {@code since}. Programs without
   * renewal lines cannot show one: for them, acting at least {@code settleNanos} after
   * {@code since} (or elected since) is taken instead.
   */
  public synchronized boolean confirmedSince(long since, long now, long renewDeadlineNanos, long settleNanos) {
    if (!actingAt(now, renewDeadlineNanos)) {
      return false;
    }
    return traced ? lastRenewSent >= since : lastElectedOrRenewedLine >= since || now - since >= settleNanos;
  }

  /** How many lines so far (a mark for {@link #firstFrom}). */
  public synchronized int size() {
    return events.size();
  }

  /** The first line of one of {@code kinds} at index {@code mark} or later, or null. */
  public synchronized Event firstFrom(int mark, String... kinds) {
    for (int i = mark; i < events.size(); i++) {
      for (String k : kinds) {
        if (events.get(i).kind().equals(k)) {
          return events.get(i);
        }
      }
    }
    return null;
  }

  public synchronized List<Event> events() {
    return List.copyOf(events);
  }

  public String identity() {
    return identity;
  }

  public int slot() {
    return slot;
  }

  public long spawnedAt() {
    return spawnedAt;
  }

  public long wallOffsetMillis() {
    return wallOffsetMillis;
  }

  public long pid() {
    return pid;
  }

  void pid(long pid) {
    this.pid = pid;
  }

  public long killedAt() {
    return killedAt;
  }

  void killedAt(long nanos) {
    this.killedAt = nanos;
  }

  public long exitedAt() {
    return exitedAt;
  }

  void exitedAt(long nanos) {
    if (exitedAt == Long.MIN_VALUE) {
      exitedAt = nanos;
    }
  }

  public boolean frozen() {
    return frozen;
  }

  void frozen(boolean frozen) {
    this.frozen = frozen;
  }

  @Override
  public String toString() {
    return identity + "(pid " + pid + ")";
  }
}
