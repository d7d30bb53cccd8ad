package io.github.leaderelection.core;

/**
 * Receives leadership changes. Calls come one at a time, in order, on the elector's listener
 * thread, never on the thread that renews the lease (rule 14): a listener that blocks delays
 * only later notifications, and one that throws is logged and the next notification still
 * arrives.
 *
 * <p>For one candidate, {@link #onElected} and {@link #onLost} strictly alternate, starting
 * with elected (rule 13).
 */
public interface LeadershipListener {

  /** This candidate became the leader. */
  default void onElected(LeadershipTerm term) {}

  /**
   * This candidate stopped being the leader. It had already stopped acting as leader
   * ({@link LeaderElector#isLeader()} answered false) before this call.
   */
  default void onLost(LeadershipTerm term, LossReason reason) {}

  /** A different holder was observed on the lease (possibly this candidate). De-duplicated. */
  default void onNewLeader(String identity) {}
}
