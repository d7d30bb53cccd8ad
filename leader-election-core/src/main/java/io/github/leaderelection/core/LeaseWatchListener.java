package io.github.leaderelection.core;

/** Receives the events of one {@link LeaseStore#watch}. */
public interface LeaseWatchListener {

  /** The lease was created or changed. */
  void onUpsert(VersionedLease lease);

  /** The lease was deleted. */
  void onDeleted(String resourceVersion);

  /** The server confirmed progress up to {@code resourceVersion} without a change. */
  default void onBookmark(String resourceVersion) {}

  /**
   * The watch ended: timed out, the connection dropped, the resourceVersion expired (410),
   * or it was closed.
   *
   * @param cause why, or {@code null} for a normal end (timeout or close)
   * @param resourceVersionExpired whether the server said the start point is too old (410),
   *     so the next watch must start from a fresh read
   */
  void onClosed(Throwable cause, boolean resourceVersionExpired);
}
