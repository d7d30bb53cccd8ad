package io.github.leaderelection.spring.election;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a startup stopped because the Kubernetes API server did not answer. */
class ApiServerUnreachableFailureAnalyzer extends AbstractFailureAnalyzer<ApiServerUnreachableException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, ApiServerUnreachableException cause) {
    String description = String.format("Leader election could not reach the Kubernetes API server:%n%n"
        + "    API server: %s%n    Lease: %s%n    Error: %s%n", cause.getApiServer(), cause.getLease(),
        cause.getCause() != null ? cause.getCause().getMessage() : cause.getMessage());
    String action = "Check that the API server is reachable from this instance (address, network policy,"
        + " proxy, certificates) and that the kubeconfig or ApiClient points at it. To start anyway and let"
        + " the elector keep retrying, remove leader.election.fail-on-unreachable or set it to false.";
    return new FailureAnalysis(description, action, cause);
  }
}
