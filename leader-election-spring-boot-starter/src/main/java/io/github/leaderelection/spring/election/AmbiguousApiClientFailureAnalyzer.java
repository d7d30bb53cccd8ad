package io.github.leaderelection.spring.election;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a startup stopped because several ApiClient beans could serve the election. */
class AmbiguousApiClientFailureAnalyzer extends AbstractFailureAnalyzer<AmbiguousApiClientException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, AmbiguousApiClientException cause) {
    StringBuilder description = new StringBuilder(String.format(
        "Leader election needs one Kubernetes ApiClient, but the application defines %d and none is"
        + " @Primary:%n%n", cause.getBeanNames().size()));
    cause.getBeanNames().forEach(name -> description.append("    ").append(name).append(String.format("%n")));
    String action = "Mark the ApiClient bean the election should use @Primary, or, to keep another one"
        + " primary for the rest of the application, qualify the election's with @Qualifier(\""
        + ElectionApiClient.QUALIFIER + "\") on its @Bean method (or name the bean "
        + ElectionApiClient.QUALIFIER + ").";
    return new FailureAnalysis(description.toString(), action, cause);
  }
}
