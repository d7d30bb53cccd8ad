package io.github.leaderelection.spring.test;

import io.github.leaderelection.spring.election.LeaderElectionProperties;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;

/**
 * The kit's election timings (see {@link LeaderElectionTestProperties#isFastTimings()}), as the
 * lowest-precedence property source of the context's environment, added before any bean is
 * created, so before {@code leader.election.*} is bound.
 *
 * <p>Why a post-processor of the imported configuration, rather than an
 * {@code EnvironmentPostProcessor} or a test context customizer: an environment post-processor
 * runs in every application that has the jar, production included; a context customizer would
 * not reach {@code ApplicationContextRunner}s. This runs exactly where the kit is imported.
 *
 * <p>Why all or nothing for the three timings: they are validated together (lease-duration >
 * renew-deadline > 1.2 x retry-period, request-timeout < renew-deadline), so mixing the kit's
 * values with one the application set could make an invalid combination that the application
 * never wrote. The step-down cool-down has no such rule.
 *
 * <p>Named elections ({@code leader.election.elections.<name>}) take every timing they leave
 * unset from the top level, so the kit's values reach them as well. The all-or-nothing rule
 * holds per election: a named election that sets one of the four timings gets the starter's
 * defaults for the others of lease-duration, renew-deadline and retry-period that it leaves
 * unset (what it would inherit without the kit), not the kit's.
 */
final class TestTimingDefaults implements BeanFactoryPostProcessor, EnvironmentAware, PriorityOrdered {

  static final String SOURCE_NAME = "leaderElectionTestKitTimings";
  static final String FAST_TIMINGS = "leader.election.test.fast-timings";

  /** Validated together by the core; set only when none of them is. */
  static final Map<String, String> TIMINGS = ordered(
      "leader.election.lease-duration", "5s",
      "leader.election.renew-deadline", "3s",
      "leader.election.retry-period", "1s");
  /** Also together with the three above: request-timeout must stay below renew-deadline. */
  private static final List<String> TIMING_PROPERTIES = List.of("leader.election.lease-duration",
      "leader.election.renew-deadline", "leader.election.retry-period", "leader.election.request-timeout");
  static final String STEP_DOWN_COOLDOWN = "leader.election.step-down-cooldown";
  static final String STEP_DOWN_COOLDOWN_VALUE = "1s";
  private static final String ELECTIONS = "leader.election.elections";
  /** The names the starter accepts for a named election (DNS-1123 labels). */
  private static final Pattern ELECTION_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  private static final Logger log = LoggerFactory.getLogger(TestTimingDefaults.class);

  private @Nullable Environment environment;

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  @Override
  public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
    if (!(environment instanceof ConfigurableEnvironment configurable)) {
      return;
    }
    Binder binder = Binder.get(configurable);
    if (!binder.bind(FAST_TIMINGS, Boolean.class).orElse(true)
        || configurable.getPropertySources().contains(SOURCE_NAME)) {
      return;
    }
    Map<String, Object> defaults = new LinkedHashMap<>();
    List<String> set = TIMING_PROPERTIES.stream().filter(p -> isSet(binder, p)).toList();
    if (set.isEmpty()) {
      defaults.putAll(TIMINGS);
    }
    if (!isSet(binder, STEP_DOWN_COOLDOWN)) {
      defaults.put(STEP_DOWN_COOLDOWN, STEP_DOWN_COOLDOWN_VALUE);
    }
    if (!set.isEmpty()) {
      log.info("Leader election test kit: keeping the election timings set by the application ({});"
          + " leadership changes are as fast as they allow", String.join(", ", set));
    }
    if (set.isEmpty()) {
      defaults.putAll(namedElectionTimings(binder));
    }
    if (!defaults.isEmpty()) {
      configurable.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, defaults));
      log.debug("Leader election test kit: election timings {}", defaults);
    }
  }

  /**
   * For each named election that sets some of its timings: the starter's defaults for those of
   * the three it leaves unset, so that it does not inherit the kit's top-level ones.
   */
  private static Map<String, Object> namedElectionTimings(Binder binder) {
    Map<String, LeaderElectionProperties.Election> named;
    try {
      named = binder.bind(ELECTIONS, Bindable.mapOf(String.class, LeaderElectionProperties.Election.class))
          .orElse(Map.of());
    } catch (BindException e) {
      // An invalid value: the starter fails startup naming it when it binds the same properties.
      return Map.of();
    }
    LeaderElectionProperties starterDefaults = new LeaderElectionProperties();
    Map<String, Object> timings = new LinkedHashMap<>();
    named.forEach((name, e) -> {
      if (!ELECTION_NAME.matcher(name).matches()) {
        return; // not usable in a property name as written; the starter refuses such a name anyway
      }
      List<Duration> own = Arrays.asList(e.getLeaseDuration(), e.getRenewDeadline(), e.getRetryPeriod(),
          e.getRequestTimeout());
      if (own.stream().allMatch(Objects::isNull)) {
        return; // inherits the kit's timings, all four together
      }
      String prefix = ELECTIONS + "." + name + ".";
      putIfUnset(timings, prefix + "lease-duration", e.getLeaseDuration(), starterDefaults.getLeaseDuration());
      putIfUnset(timings, prefix + "renew-deadline", e.getRenewDeadline(), starterDefaults.getRenewDeadline());
      putIfUnset(timings, prefix + "retry-period", e.getRetryPeriod(), starterDefaults.getRetryPeriod());
      log.info("Leader election test kit: election '{}' sets its own timings; the ones it leaves unset are the"
          + " starter's defaults, not the kit's", name);
    });
    return timings;
  }

  private static void putIfUnset(Map<String, Object> timings, String property, @Nullable Duration own,
      Duration starterDefault) {
    if (own == null) {
      timings.put(property, starterDefault.toString()); // ISO-8601: read the same whatever the unit
    }
  }

  private static boolean isSet(Binder binder, String property) {
    return binder.bind(property, Bindable.of(String.class)).isBound();
  }

  /** Before other post-processors: nothing may bind leader.election.* before this ran. */
  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }

  private static Map<String, String> ordered(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return Collections.unmodifiableMap(map);
  }
}
