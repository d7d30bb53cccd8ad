package io.github.leaderelection.spring.election;

import io.github.leaderelection.spring.election.LeaderElectionProperties.Mode;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Explains an unknown {@code leader.election.mode} with the values the documentation uses.
 * Spring's own analysis of the binding failure says "No enum constant ...Mode.bogus" and lists
 * the constants as {@code ALWAYS_LEADER}; ordered first so that this one is used instead.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class InvalidModeFailureAnalyzer extends AbstractFailureAnalyzer<BindException> {

  static final String PROPERTY = "leader.election.mode";

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
    if (!PROPERTY.equals(cause.getName().toString())) {
      return null; // any other binding failure: Spring Boot's analysis says it well
    }
    ConfigurationProperty property = cause.getProperty();
    String value = property != null ? String.valueOf(property.getValue()) : "(unknown)";
    String origin = property != null && property.getOrigin() != null ? property.getOrigin().toString() : null;
    String values = documentedValues();
    String description = String.format("Invalid leader election configuration:%n%n"
        + "    Property: %s%n    Value: %s%n%s    Rule: must be one of %s%n", PROPERTY, value,
        origin != null ? "    Origin: " + origin + String.format("%n") : "", values);
    String action = "Set " + PROPERTY + " to one of " + values + " (auto, the default, elects on Kubernetes"
        + " when running in a cluster or with a kubeconfig, else makes this instance the leader).";
    return new FailureAnalysis(description, action, cause);
  }

  /** The modes as written in properties and the README: "auto, kubernetes, always-leader, never-leader". */
  static String documentedValues() {
    return Arrays.stream(Mode.values())
        .map(m -> m.name().toLowerCase(Locale.ROOT).replace('_', '-'))
        .collect(Collectors.joining(", "));
  }
}
