package io.github.leaderelection.spring.election;

/**
 * Balancing ({@code leader.election.balance.*}) is configured in a way that cannot work.
 * Explained by {@link InvalidBalanceConfigFailureAnalyzer} with the property and the rule.
 */
public class InvalidBalanceConfigException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String property;
  private final String value;
  private final String rule;

  /**
   * @param property the full property name
   * @param value the offending value, as text
   * @param rule what is wrong and what would work, in words
   */
  InvalidBalanceConfigException(String property, String value, String rule) {
    super("Invalid " + property + " = " + value + ": " + rule);
    this.property = property;
    this.value = value;
    this.rule = rule;
  }

  /** The full property name. */
  public String property() {
    return property;
  }

  /** The offending value, as text. */
  public String value() {
    return value;
  }

  /** What is wrong and what would work. */
  public String rule() {
    return rule;
  }
}
