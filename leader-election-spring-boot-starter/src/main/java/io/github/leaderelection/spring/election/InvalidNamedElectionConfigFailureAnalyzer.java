package io.github.leaderelection.spring.election;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an invalid named election with its full property path,
 * {@code leader.election.elections.<name>.<property>}, and says when the value was inherited
 * from {@code leader.election.<property>}.
 */
class InvalidNamedElectionConfigFailureAnalyzer extends AbstractFailureAnalyzer<InvalidNamedElectionConfigException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, InvalidNamedElectionConfigException cause) {
    String prefix = "leader.election.elections." + cause.election() + ".";
    if (cause.property().isEmpty()) {
      return new FailureAnalysis(String.format("Invalid leader election name:%n%n    Property: %s*%n    Name: %s%n"
          + "    Rule: %s%n", prefix, cause.election(), cause.rule()),
          "Rename the election, e.g. leader.election.elections.billing-export.lease-duration=30s.", cause);
    }
    String property = prefix + cause.property();
    String value = "null".equals(cause.value()) ? "(not set)" : cause.value();
    String from = cause.inherited() ? " (not set for this election: the value of leader.election." + cause.property()
        + ")" : "";
    String rule = InvalidElectionConfigFailureAnalyzer.properties(cause.rule(), prefix);
    String description = String.format("Invalid leader election configuration:%n%n"
        + "    Property: %s%n    Value: %s%s%n    Rule: %s%n", property, value, from, rule);
    String action = "Set " + property + " so that it " + rule + "; each setting an election leaves out is"
        + " the top-level leader.election one.";
    return new FailureAnalysis(description, action, cause);
  }
}
