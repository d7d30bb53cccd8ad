package io.github.leaderelection.chaos;

import java.util.Arrays;

/**
 * One protocol line of a candidate (see verification/candidates/PROTOCOL.md and docs/chaos.md).
 *
 * @param kind the first word ({@code ELECTED}, {@code RENEWED}, ...; {@code OTHER} when the
 *     line is not a protocol line)
 * @param fields the words after the kind
 * @param arrivalNanos when the runner read the line (same monotonic clock)
 */
public record Event(String kind, String[] fields, long arrivalNanos) {

  /** Parses one stdout line. */
  public static Event parse(String line, long arrivalNanos) {
    String[] words = line.trim().split(" ");
    if (words.length == 0 || !words[0].matches("[A-Z_]+")) {
      return new Event("OTHER", new String[] {line}, arrivalNanos);
    }
    return new Event(words[0], Arrays.copyOfRange(words, 1, words.length), arrivalNanos);
  }

  /** Field {@code i} as a long. */
  public long num(int i) {
    return Long.parseLong(fields[i]);
  }

  /** Field {@code i}, or {@code fallback} when absent. */
  public String str(int i, String fallback) {
    return i < fields.length ? fields[i] : fallback;
  }

  /** The event's own time: its first field for timed kinds, else the arrival time. */
  public long nanos() {
    return switch (kind) {
      case "ELECTED", "RENEWED", "LOST", "WORK_START", "WORK_END", "WORK_CHECK", "CLOSED",
          "ACQUIRED", "RELINQUISHED", "NEW_LEADER", "COMMAND", "UNSUPPORTED", "STEP_DOWN_DONE",
          "LOST_LISTENER_END", "BALANCER_STEP_DOWN" -> num(0);
      default -> arrivalNanos;
    };
  }

  @Override
  public String toString() {
    return kind + " " + String.join(" ", fields);
  }
}
