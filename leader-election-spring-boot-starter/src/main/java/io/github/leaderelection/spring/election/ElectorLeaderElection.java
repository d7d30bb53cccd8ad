package io.github.leaderelection.spring.election;

import io.github.leaderelection.core.ElectionStatus;
import io.github.leaderelection.core.LeaderElector;
import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.spring.LeaderElection;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link LeaderElection} bean: a view of the core {@link LeaderElector} of the current
 * start of the election. A closed elector cannot start again, so when the application context
 * is stopped and started again (Spring's test context cache pauses and restarts contexts),
 * {@link LeaderElectionLifecycle} builds a new elector and points this view at it: every bean
 * that reads the election through this view (health, endpoint, gauge, {@code @LeaderOnly})
 * follows without being rebuilt.
 */
public class ElectorLeaderElection implements LeaderElection {

  private volatile LeaderElector elector;

  /** @param elector the elector of the first start */
  public ElectorLeaderElection(LeaderElector elector) {
    this.elector = Objects.requireNonNull(elector, "elector");
  }

  /** The elector this view reads now. */
  LeaderElector elector() {
    return elector;
  }

  /** Makes this view read {@code next}, the elector of a new start of the election. */
  void use(LeaderElector next) {
    this.elector = Objects.requireNonNull(next, "elector");
  }

  @Override
  public boolean isLeader() {
    return elector.isLeader();
  }

  @Override
  public Optional<LeadershipTerm> currentTerm() {
    return elector.currentTerm();
  }

  @Override
  public Optional<String> currentHolder() {
    return elector.currentHolder();
  }

  @Override
  public OptionalLong fencingToken() {
    return elector.fencingToken();
  }

  @Override
  public boolean awaitLeadership(Duration timeout) throws InterruptedException {
    return elector.awaitLeadership(timeout);
  }

  @Override
  public CompletableFuture<Boolean> stepDown() {
    return elector.stepDown();
  }

  @Override
  public ElectionStatus status() {
    return elector.status();
  }

  @Override
  public String toString() {
    return "LeaderElection{" + elector.config() + "}";
  }
}
