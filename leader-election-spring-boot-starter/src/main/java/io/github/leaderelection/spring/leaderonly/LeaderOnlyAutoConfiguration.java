package io.github.leaderelection.spring.leaderonly;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.spring.LeaderElections;
import io.github.leaderelection.spring.election.LeaderElectionProperties;
import io.github.leaderelection.spring.LeaderOnly;
import io.github.leaderelection.spring.election.LeaderElectionAutoConfiguration;
import java.time.Duration;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SearchStrategy;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.util.function.SingletonSupplier;

/**
 * {@link LeaderOnly} support: the advisor, applied by Spring's auto-proxy creator (registered
 * if the application has none, see {@link LeaderOnlyProxyRegistrar}), and the tracker of
 * running calls, which the election calls first when leadership ends (and which is the
 * {@link io.github.leaderelection.spring.LeaderOnlyContext}), and the {@link LeaderOnlyVerifier}
 * that fails startup on methods the proxy cannot intercept.
 *
 * <p>Properties {@code leader.election.leader-only.order} and {@code .unproxyable} are read with
 * a {@link Binder} rather than through a properties bean: the advisor and the verifier are
 * created before ordinary beans (the auto-proxy creator needs them), too early to depend on one.
 *
 * <h2>Child contexts</h2>
 * A child context that runs this configuration (a SpringApplicationBuilder child, or one that
 * imports it with {@code @ImportAutoConfiguration}) gets its own advisor, verifier and
 * auto-proxy creator, which proxy the child's {@link LeaderOnly} beans; the election and the
 * tracker of running calls stay the parent's, so the child's calls follow the parent's
 * leadership and a loss waits for them too. The parent's advisor alone would not do: the
 * infrastructure auto-proxy creator only applies advisors defined in its own context, and a
 * post-processor only processes the beans of its own context.
 */
@AutoConfiguration(after = LeaderElectionAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "leader.election.enabled", matchIfMissing = true)
@ConditionalOnBean(LeaderElection.class)
@Import(LeaderOnlyProxyRegistrar.class)
public final class LeaderOnlyAutoConfiguration {

  static final String ORDER_PROPERTY = "leader.election.leader-only.order";
  static final String UNPROXYABLE_PROPERTY = "leader.election.leader-only.unproxyable";

  /** Used when the application replaced the ElectionConfig with nothing to read it from. */
  private static final Duration DEFAULT_LOSS_TIMEOUT = ElectionConfig.DEFAULT_RENEW_DEADLINE;

  @Bean
  @ConditionalOnMissingBean
  static LeaderOnlyExecutions leaderOnlyExecutions(ObjectProvider<ElectionConfig> config) {
    ElectionConfig c = config.getIfAvailable();
    return new LeaderOnlyExecutions(c != null ? c.shutdownTimeout() : DEFAULT_LOSS_TIMEOUT);
  }

  /**
   * Static, of the infrastructure role, and resolving its collaborators lazily: the
   * auto-proxy creator instantiates advisors before ordinary beans, which must not be
   * created that early.
   */
  // Searching this context only: a parent's advisor does not proxy this context's beans.
  @Bean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  @ConditionalOnMissingBean(search = SearchStrategy.CURRENT)
  static LeaderOnlyAdvisor leaderOnlyAdvisor(ObjectProvider<LeaderElection> election,
      ObjectProvider<LeaderElections> elections, ObjectProvider<LeaderOnlyExecutions> executions,
      Environment environment) {
    Supplier<LeaderElection> defaultElection = SingletonSupplier.of(election::getObject);
    // Without a LeaderElections bean (an application's own LeaderElection only), the default.
    Supplier<LeaderElections> all = SingletonSupplier.of(() -> elections.getIfAvailable(() -> null));
    LeaderOnlyAdvisor advisor = new LeaderOnlyAdvisor(new LeaderOnlyInterceptor(name -> {
      LeaderElections registry = all.get();
      return registry != null ? registry.get(name) : defaultElection.get();
    }, SingletonSupplier.of(executions::getObject)));
    advisor.setOrder(Binder.get(environment).bind(ORDER_PROPERTY, Integer.class).orElse(LeaderOnlyAdvisor.DEFAULT_ORDER));
    return advisor;
  }

  /**
   * A post-processor, so static and of the infrastructure role, like the advisor; it depends on
   * nothing but the environment.
   */
  // Searching this context only: a parent's verifier does not see this context's beans.
  @Bean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  @ConditionalOnMissingBean(search = SearchStrategy.CURRENT)
  static LeaderOnlyVerifier leaderOnlyVerifier(Environment environment) {
    Binder binder = Binder.get(environment);
    return new LeaderOnlyVerifier(binder.bind(UNPROXYABLE_PROPERTY, LeaderOnlyVerifier.Unproxyable.class)
        .orElse(LeaderOnlyVerifier.Unproxyable.FAIL), binder.bind("leader.election.elections",
            Bindable.mapOf(String.class, LeaderElectionProperties.Election.class)).orElse(java.util.Map.of()).keySet());
  }
}
