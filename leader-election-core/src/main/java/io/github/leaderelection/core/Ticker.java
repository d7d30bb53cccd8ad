package io.github.leaderelection.core;

/**
 * A monotonic clock in nanoseconds. Expiry and the renew deadline are judged only on it,
 * never on wall-clock time (rule 1). Tests inject a fake.
 */
@FunctionalInterface
public interface Ticker {

  /** The system's monotonic clock. */
  Ticker SYSTEM = System::nanoTime;

  /** Nanoseconds from an arbitrary origin; only differences mean anything. */
  long nanoTime();
}
