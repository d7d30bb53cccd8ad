package io.github.leaderelection.core.machine;

import java.time.Instant;
import java.util.Objects;

/**
 * The time an event happened at, given to the machine with every event: the monotonic instant
 * every decision is judged on (rules 1, 3), and the wall time that is only written into the
 * Lease as renewTime/acquireTime (informational, rule 18).
 *
 * @param mono monotonic nanoseconds; only differences mean anything
 * @param wall wall-clock time, microsecond precision
 */
public record Now(long mono, Instant wall) {
  public Now {
    Objects.requireNonNull(wall, "wall");
  }
}
