package io.github.leaderelection.core;

/** A running watch on a lease; closing it stops event delivery. */
public interface LeaseWatch extends AutoCloseable {

  /** Stops the watch. Idempotent; never throws. */
  @Override
  void close();
}
