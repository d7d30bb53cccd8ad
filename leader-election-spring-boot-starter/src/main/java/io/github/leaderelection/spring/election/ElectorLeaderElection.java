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

/** The {@link LeaderElection} bean: a view of the core {@link LeaderElector}. */
public class ElectorLeaderElection implements LeaderElection {

  private final LeaderElector elector;

  public ElectorLeaderElection(LeaderElector elector) {
    this.elector = Objects.requireNonNull(elector, "elector");
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
