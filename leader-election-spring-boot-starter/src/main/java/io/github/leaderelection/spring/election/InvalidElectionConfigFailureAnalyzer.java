package io.github.leaderelection.spring.election;

import io.github.leaderelection.core.InvalidElectionConfigException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an invalid election configuration in terms of the {@code leader.election.*}
 * properties: the core names its builder fields ({@code renewDeadline}), the user wrote
 * {@code leader.election.renew-deadline}.
 */
class InvalidElectionConfigFailureAnalyzer extends AbstractFailureAnalyzer<InvalidElectionConfigException> {

  private static final String PREFIX = "leader.election.";
  private static final Pattern FIELD = Pattern.compile(
      "\\b(leaseName|leaseDuration|renewDeadline|retryPeriod|requestTimeout|stepDownCooldown"
          + "|shutdownTimeout|awaitTimeout|awaitLeadership)\\b");
  private static final String TIMINGS = "Choose timings with " + PREFIX + "lease-duration > " + PREFIX
      + "renew-deadline > 1.2 x " + PREFIX + "retry-period, the lease duration in whole seconds"
      + " (defaults: 15s, 10s, 2s).";
  private static final Map<String, String> ACTIONS = Map.of(
      "lease-name", "Set " + PREFIX + "lease-name to a DNS-1123 subdomain such as 'orders-service',"
          + " or set spring.application.name to derive it from.",
      "namespace", "Set " + PREFIX + "namespace to a namespace name (a DNS-1123 label), or remove it"
          + " to use the pod's own namespace.",
      "identity", "Set " + PREFIX + "identity to a non-blank value, or remove it to use the pod name"
          + " plus a random suffix.",
      "lease-duration", TIMINGS,
      "renew-deadline", TIMINGS,
      "retry-period", TIMINGS,
      "request-timeout", "Set " + PREFIX + "request-timeout below " + PREFIX + "renew-deadline, or"
          + " remove it to use half the renew deadline.",
      "await-leadership", "Set " + PREFIX + "await-leadership=false, or choose a mode in which this"
          + " instance can lead.",
      "kubeconfig", "Set " + PREFIX + "kubeconfig to the path of a readable kubeconfig file, or remove"
          + " it to use the in-cluster configuration, KUBECONFIG or ~/.kube/config.");

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, InvalidElectionConfigException cause) {
    if (findCause(rootFailure, InvalidNamedElectionConfigException.class) != null) {
      return null; // a named election's: explained with its own property path
    }
    String kebab = kebab(cause.field());
    String property = PREFIX + kebab;
    String value = "null".equals(cause.value()) ? "(not set)" : cause.value();
    String rule = properties(cause.rule(), PREFIX);
    String description = String.format("Invalid leader election configuration:%n%n"
        + "    Property: %s%n    Value: %s%n    Rule: %s%n", property, value, rule);
    String action = ACTIONS.getOrDefault(kebab, "Update " + property + " so that it " + rule + ".");
    return new FailureAnalysis(description, action, cause);
  }

  /** The property a core field comes from: {@code renewDeadline} -> {@code renew-deadline}. */
  static String kebab(String field) {
    return field.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
  }

  /** Rewrites field names in a rule ("less than leaseDuration") as property names under {@code prefix}. */
  static String properties(String rule, String prefix) {
    Matcher m = FIELD.matcher(rule);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(prefix + kebab(m.group(1))));
    }
    return m.appendTail(sb).toString();
  }
}
