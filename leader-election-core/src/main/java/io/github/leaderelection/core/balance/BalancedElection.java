package io.github.leaderelection.core.balance;

import io.github.leaderelection.core.LeaderElector;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

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
    return following(elector.config().leaseName(), () -> elector);
  }

  /**
   * The election run by whichever elector {@code current} returns now: an election that is
   * stopped and started again gets a new elector, which is given the last hold-back too.
   */
  static BalancedElection following(String lease, Supplier<LeaderElector> current) {
    return new BalancedElection() {
      private LeaderElector appliedTo; // guarded by this
      private Duration last = Duration.ZERO;

      @Override
      public String lease() {
        return lease;
      }

      @Override
      public Optional<String> holder() {
        LeaderElector elector = current();
        return elector.isLeader() ? Optional.of(elector.identity()) : elector.currentHolder();
      }

      @Override
      public synchronized void holdBack(Duration holdBack) {
        last = holdBack;
        appliedTo = current.get();
        appliedTo.deferAcquisition(holdBack);
      }

      @Override
      public void release() {
        current().stepDown();
      }

      /** The elector now; a new one gets the last hold-back first. */
      private synchronized LeaderElector current() {
        LeaderElector elector = current.get();
        if (elector != appliedTo) {
          appliedTo = elector;
          elector.deferAcquisition(last);
        }
        return elector;
      }

      @Override
      public String toString() {
        return lease;
      }
    };
  }
}
