package io.github.leaderelection.core;

/**
 * An {@link ElectionConfig} value breaks a rule. The message names the field, its value and
 * the rule, e.g. {@code renewDeadline=15s is invalid: must be less than leaseDuration (15s)}.
 */
public final class InvalidElectionConfigException extends IllegalArgumentException {

  private final String field;
  private final String value;
  private final String rule;

  public InvalidElectionConfigException(String field, Object value, String rule) {
    super(field + "=" + format(value) + " is invalid: " + rule);
    this.field = field;
    this.value = format(value);
    this.rule = rule;
  }

  /** The offending field, as named in {@link ElectionConfig.Builder}. */
  public String field() {
    return field;
  }

  /** The rejected value as text. */
  public String value() {
    return value;
  }

  /** The rule the value breaks. */
  public String rule() {
    return rule;
  }

  static String format(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof java.time.Duration d) {
      return Durations.format(d);
    }
    return value instanceof String ? "\"" + value + "\"" : value.toString();
  }
}
