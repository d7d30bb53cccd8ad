package io.github.leaderelection.spring.election;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a balancing configuration that cannot work, naming the property. */
class InvalidBalanceConfigFailureAnalyzer extends AbstractFailureAnalyzer<InvalidBalanceConfigException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, InvalidBalanceConfigException cause) {
    String description = String.format("Invalid leader election balancing configuration:%n%n"
        + "    Property: %s%n    Value: %s%n    Rule: %s%n", cause.property(), cause.value(), cause.rule());
    return new FailureAnalysis(description, "Change " + cause.property() + " as the rule says, or switch"
        + " balancing off with leader.election.balance.enabled=false.", cause);
  }
}
