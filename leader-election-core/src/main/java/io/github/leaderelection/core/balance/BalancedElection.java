package io.github.leaderelection.core.balance;

import io.github.leaderelection.core.LeaderElector;
import java.time.Duration;
import java.util.Optional;

/** What balancing needs of one election: read its holder, hold back from it, give it up. */
public interface BalancedElection {

  /** The lease's name; unique within the group. */
  String lease();

  /** The holder this instance sees; empty when free or unknown. */
  Optional<String> holder();

  /** Takes a free lease only {@code holdBack} after it became free (zero: at once). */
  void holdBack(Duration holdBack);

  /** Gives the lease up with a graceful release (the elector's step-down). */
  void release();

  /** The election of {@code elector}. */
  static BalancedElection of(LeaderElector elector) {
    return new BalancedElection() {
      @Override
      public String lease() {
        return elector.config().leaseName();
      }

      @Override
      public Optional<String> holder() {
        return elector.isLeader() ? Optional.of(elector.identity()) : elector.currentHolder();
      }

      @Override
      public void holdBack(Duration holdBack) {
        elector.deferAcquisition(holdBack);
      }

      @Override
      public void release() {
        elector.stepDown();
      }

      @Override
      public String toString() {
        return lease();
      }
    };
  }
}
