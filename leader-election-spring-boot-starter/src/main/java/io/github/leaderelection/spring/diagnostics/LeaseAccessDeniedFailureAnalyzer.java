package io.github.leaderelection.spring.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a startup that failed because the API server refused leader election access to
 * its lease: the refused verb, resource, namespace and user, and the RBAC YAML to apply.
 */
class LeaseAccessDeniedFailureAnalyzer extends AbstractFailureAnalyzer<LeaseAccessDeniedException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, LeaseAccessDeniedException cause) {
    RbacAdvice advice = cause.getAdvice();
    String description = String.format("Leader election is not permitted to use its lease:%n%n"
        + "    Lease: %s/%s%n    Refused: %s leases (coordination.k8s.io) in namespace \"%s\"%n"
        + "    User: %s%n%n%s%n", advice.namespace(), advice.leaseName(), advice.verb(), advice.namespace(),
        advice.user() != null ? advice.user() : "(not named by the server)", advice.problem());
    return new FailureAnalysis(description, advice.action(), cause);
  }
}
