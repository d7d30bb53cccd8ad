package io.github.leaderelection.spring.test;

import io.github.leaderelection.core.ElectionStatus;
import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.core.LossReason;
import io.github.leaderelection.spring.LeaderElection;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * {@link ElectionControl} of one election on its {@link ControlledLease}. Every wait is on the
 * {@link LeadershipEvents} monitor, notified by each delivered event, for the event of a known
 * term: "the lost event of the term that was current when the lease was taken" cannot be
 * confused with an older or a later one.
 */
final class LeaseElectionControl implements ElectionControl {

  private final String name;
  private final ControlledLease lease;
  private final LeaderElection election;
  private final String identity;
  private final boolean competes;
  private final LeadershipEvents events;
  private final Duration timeout;

  /**
   * @param name the election's name, as its events carry it ({@code default} for the default one)
   * @param competes false in never-leader mode, where the elector is never started
   * @param timeout how long each change may take
   */
  LeaseElectionControl(String name, ControlledLease lease, LeaderElection election, String identity,
      boolean competes, LeadershipEvents events, Duration timeout) {
    this.name = name;
    this.lease = lease;
    this.election = election;
    this.identity = identity;
    this.competes = competes;
    this.events = events;
    this.timeout = timeout;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public LeadershipTerm grant() {
    requireRunning("grant leadership");
    lease.failWrites(false);
    lease.takeOverOnRelease(null);
    LeadershipTerm term = announcedTerm();
    if (term != null) {
      return term;
    }
    lease.releaseByOthers();
    term = Waits.until(events.monitor(), timeout, this::announcedTerm);
    if (term == null) {
      throw timedOut("this instance did not become the leader");
    }
    return term;
  }

  @Override
  public void revoke() {
    handOverTo(LeadershipControl.OTHER_INSTANCE);
  }

  @Override
  public void revoke(LossReason reason) {
    switch (Objects.requireNonNull(reason, "reason")) {
      case LEASE_TAKEN -> revoke();
      case RENEW_FAILED -> renewalsFail();
      case RELEASED -> stepDown();
      case SHUTDOWN -> throw new IllegalArgumentException("LossReason.SHUTDOWN comes from stopping the election:"
          + " close the application context, or stop it (context.stop()), and the elector publishes it");
      case DEADLINE_PASSED -> throw new IllegalArgumentException("LossReason.DEADLINE_PASSED comes from this"
          + " process being frozen (a GC pause, SIGSTOP) for longer than the renew deadline, which a test cannot"
          + " cause honestly; use RENEW_FAILED for a leader that could not renew");
    }
  }

  @Override
  public void handOverTo(String holder) {
    Objects.requireNonNull(holder, "identity");
    if (holder.isEmpty()) {
      throw new IllegalArgumentException("The other holder's identity must not be empty (an empty holder is a"
          + " released lease)");
    }
    if (holder.equals(identity)) {
      throw new IllegalArgumentException("\"" + holder + "\" is this instance's own identity: use grant()");
    }
    requireRunning("revoke leadership");
    lease.failWrites(false);
    lease.takeOverOnRelease(null);
    // Twice at most: once the acquisition in flight has completed, the elector leads.
    for (int attempt = 0; ; attempt++) {
      LeadershipTerm term = election.currentTerm().orElse(null);
      // Taken only if the elector is known to lead, or its write is not in the lease: a lease
      // that names this instance while it does not lead yet means an acquisition in flight,
      // whose elected event would follow the takeover. That one is waited for first.
      if (lease.takeByUnlessAcquiring(holder, term != null)) {
        if (term != null) {
          awaitLost(term, "the lease was taken by " + holder);
        }
        return;
      }
      if (attempt > 0 || Waits.until(events.monitor(), timeout, this::announcedTerm) == null) {
        throw timedOut("the lease names this instance, but it did not become the leader");
      }
    }
  }

  /** See {@link ElectionControl#revoke(LossReason)}: RENEW_FAILED. */
  private void renewalsFail() {
    LeadershipTerm term = requireLeader("revoke(RENEW_FAILED)");
    lease.failWrites(true);
    try {
      awaitLost(term, "renewals failed (writes refused)");
    } finally {
      // Taken before writes work again, so the elector, which competes again at once after
      // RENEW_FAILED, cannot take back its own record in between.
      lease.takeBy(LeadershipControl.OTHER_INSTANCE);
      lease.failWrites(false);
    }
  }

  @Override
  public void stepDown() {
    LeadershipTerm term = requireLeader("step down");
    lease.takeOverOnRelease(LeadershipControl.OTHER_INSTANCE);
    try {
      CompletableFuture<Boolean> stepDown = election.stepDown();
      try {
        stepDown.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        throw timedOut("the step-down did not complete");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("Interrupted while stepping down", e);
      } catch (ExecutionException e) {
        throw new AssertionError("The step-down failed", e.getCause());
      }
      awaitLost(term, "stepped down");
    } finally {
      lease.takeOverOnRelease(null);
      if (identity.equals(lease.holder())) {
        // Not released (leader work outlived the shutdown timeout, so the elector left the lease
        // to expire): without a taker the elector would take its own record back after the
        // cool-down, and the test asked for a follower.
        lease.takeBy(LeadershipControl.OTHER_INSTANCE);
      }
    }
  }

  @Override
  public boolean isLeader() {
    return election.isLeader();
  }

  @Override
  public Optional<String> holder() {
    return Optional.ofNullable(lease.holder());
  }

  @Override
  public String identity() {
    return identity;
  }

  @Override
  public ElectionControl withTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    return new LeaseElectionControl(name, lease, election, identity, competes, events, timeout);
  }

  /**
   * Back to how the election starts: no injected failure, this instance the leader (unless it
   * never competes, or is not running).
   */
  void reset() {
    lease.failWrites(false);
    lease.takeOverOnRelease(null);
    if (competes && election.status().state() == ElectionStatus.State.RUNNING) {
      grant();
    }
  }

  // --- waiting -----------------------------------------------------------------------------------

  /** The current term once its elected event was delivered, else null (under the events monitor). */
  private @Nullable LeadershipTerm announcedTerm() {
    LeadershipTerm term = election.currentTerm().orElse(null);
    return term != null && events.electedDelivered(term) ? term : null;
  }

  private void awaitLost(LeadershipTerm term, String cause) {
    LossReason reason = Waits.until(events.monitor(), timeout, () -> events.lostDelivered(term));
    if (reason == null) {
      throw timedOut(cause + ", but the lost event of term " + term.fencingToken() + " did not come");
    }
  }

  private void requireRunning(String what) {
    ElectionStatus.State state = election.status().state();
    if (state == ElectionStatus.State.RUNNING) {
      return;
    }
    if (!competes) {
      throw new IllegalStateException("Cannot " + what + ": leader.election.mode is never-leader, this instance"
          + " never competes. Leave the mode unset (or always-leader) in tests that use LeadershipControl.");
    }
    throw new IllegalStateException("Cannot " + what + ": the election is not running (" + state
        + "); the application context is not started, stopped or closed");
  }

  private LeadershipTerm requireLeader(String what) {
    requireRunning(what);
    LeadershipTerm term = election.currentTerm().orElse(null);
    if (term == null) {
      throw new IllegalStateException("Cannot " + what + ": this instance is not the leader (the lease is held by "
          + holder().orElse("nobody") + "); grant() first");
    }
    return term;
  }

  private AssertionError timedOut(String what) {
    return new AssertionError("Leader election '" + name + "' of lease "
        + lease.describe() + ": " + what + " within " + Waits.format(timeout)
        + " (leader.election.test.await-timeout). The elector says " + election.status()
        + "; the lease says " + lease.peek() + "; recorded events of this election: "
        + events.election(name).all());
  }

  @Override
  public String toString() {
    return "ElectionControl{" + name + ", " + lease + "}";
  }
}
