package io.github.leaderelection.spring.test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** Waiting for a condition on a monitor that is notified when what it depends on changes. */
final class Waits {

  /**
   * The longest single wait: a condition that can change without a notification (leadership
   * lapses by time, not by an event) is looked at again at least this often. Not a sleep: a
   * notification ends the wait at once.
   */
  private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private Waits() {}

  /**
   * Evaluates {@code condition} under {@code monitor} until it gives a value or {@code timeout}
   * passes.
   *
   * @return the value, or null when the timeout passed first
   * @throws AssertionError when the waiting thread is interrupted (its interrupt flag is kept)
   */
  static <T> @Nullable T until(Object monitor, Duration timeout, Supplier<@Nullable T> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (monitor) {
      while (true) {
        T value = condition.get();
        if (value != null) {
          return value;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(monitor, Math.min(left, SLICE_NANOS));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("Interrupted while waiting", e);
        }
      }
    }
  }

  /** "1.5s", "250ms": for messages. */
  static String format(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }
}
