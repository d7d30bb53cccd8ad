package io.github.leaderelection.spring.election;

/**
 * A named election ({@code leader.election.elections.<name>}) is configured wrongly: an invalid
 * name, or a value, its own or inherited from {@code leader.election}, that breaks a rule.
 * Explained by {@link InvalidElectionConfigFailureAnalyzer} with the full property path.
 */
public class InvalidNamedElectionConfigException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String election;
  private final String property;
  private final String value;
  private final boolean inherited;
  private final String rule;

  /**
   * @param election the election's name
   * @param property the property below the election's prefix ("renew-deadline"); empty when
   *     the name itself is wrong
   * @param value the offending value, as text
   * @param inherited whether the election does not set it and took the top-level value
   * @param rule what the value must satisfy, in words
   */
  InvalidNamedElectionConfigException(String election, String property, String value, boolean inherited,
      String rule) {
    this(election, property, value, inherited, rule, null);
  }

  InvalidNamedElectionConfigException(String election, String property, String value, boolean inherited,
      String rule, Throwable cause) {
    super(describe(election, property, value, inherited, rule), cause);
    this.election = election;
    this.property = property;
    this.value = value;
    this.inherited = inherited;
    this.rule = rule;
  }

  private static String describe(String election, String property, String value, boolean inherited, String rule) {
    if (property.isEmpty()) {
      return "Invalid leader election name '" + election + "' (leader.election.elections." + election + "): " + rule;
    }
    return "Invalid leader.election.elections." + election + "." + property + " = " + value
        + (inherited ? " (not set for the election: leader.election." + property + ")" : "") + ": " + rule;
  }

  /** The election's name. */
  public String election() {
    return election;
  }

  /** The property below {@code leader.election.elections.<name>.}; empty when the name is wrong. */
  public String property() {
    return property;
  }

  /** The offending value, as text. */
  public String value() {
    return value;
  }

  /** Whether the value is the top-level one, since the election does not set its own. */
  public boolean inherited() {
    return inherited;
  }

  /** What the value must satisfy. */
  public String rule() {
    return rule;
  }
}
