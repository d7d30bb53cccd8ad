package io.github.leaderelection.spring.election;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a bean that cannot be bound to an election. */
class LeadershipBoundComponentFailureAnalyzer extends AbstractFailureAnalyzer<LeadershipBoundComponentException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, LeadershipBoundComponentException cause) {
    return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
  }
}
