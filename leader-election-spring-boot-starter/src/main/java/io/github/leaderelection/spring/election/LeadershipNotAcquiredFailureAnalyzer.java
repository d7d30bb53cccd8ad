package io.github.leaderelection.spring.election;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a startup that gave up waiting for leadership. */
class LeadershipNotAcquiredFailureAnalyzer extends AbstractFailureAnalyzer<LeadershipNotAcquiredException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, LeadershipNotAcquiredException cause) {
    String description = String.format("Leader election did not elect this instance in time:%n%n"
        + "    Lease: %s%n    Identity: %s%n    Held by: %s%n    Waited: %ss"
        + " (leader.election.await-timeout)%n", cause.getLease(), cause.getIdentity(),
        cause.getHolder().isEmpty() ? "nobody" : cause.getHolder(), cause.getTimeout().toSeconds());
    String action = "Stop the instance holding the lease, increase leader.election.await-timeout, or"
        + " set leader.election.await-leadership=false to start without waiting for leadership.";
    return new FailureAnalysis(description, action, cause);
  }
}
