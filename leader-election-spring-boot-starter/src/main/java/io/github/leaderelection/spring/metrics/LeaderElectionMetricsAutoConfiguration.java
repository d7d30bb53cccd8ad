package io.github.leaderelection.spring.metrics;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.spring.LeaderElections;
import io.github.leaderelection.spring.election.ConfiguredLeaderElections;
import io.github.leaderelection.spring.election.LeaderElectionProperties;
import io.github.leaderelection.spring.election.ElectionObserverFactory;
import io.github.leaderelection.spring.election.LeaderElectionAutoConfiguration;
import io.github.leaderelection.spring.leaderonly.LeaderOnlyAutoConfiguration;
import io.github.leaderelection.spring.leaderonly.LeaderOnlyExecutions;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.util.function.SingletonSupplier;

/**
 * Micrometer meters of the election, under {@code leader.election.*} and
 * {@code leader.only.*}, tagged {@code lease}: when micrometer-core is on the classpath, a
 * {@link MeterRegistry} bean exists and leader election is enabled. The
 * {@link ElectionMetricsObserver} is an {@code ElectionObserver} bean, which the
 * auto-configured elector is built with (beside any other observer beans); it takes the
 * registry itself, so its meters exist before the first election. The other meters are
 * {@code MeterBinder} beans, which Spring Boot's metrics auto-configuration binds to the
 * registry whenever it is set up: no bean has to inject them, so lazy initialization
 * ({@code spring.main.lazy-initialization}) cannot leave them out.
 */
@AutoConfiguration(after = {LeaderElectionAutoConfiguration.class, LeaderOnlyAutoConfiguration.class},
    afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "leader.election.enabled", matchIfMissing = true)
@ConditionalOnBean({MeterRegistry.class, LeaderElection.class, ElectionConfig.class})
public final class LeaderElectionMetricsAutoConfiguration {

  /**
   * Depends on the configuration only, not on the elector: the elector is built with it.
   * The tag is the configured lease's name.
   */
  @Bean
  @ConditionalOnMissingBean
  ElectionMetricsObserver leaderElectionMetricsObserver(MeterRegistry registry, ElectionConfig config) {
    return new ElectionMetricsObserver(registry, config.leaseName());
  }

  @Bean
  @ConditionalOnMissingBean
  LeaderElectionGauge leaderElectionGauge(ObjectProvider<LeaderElection> election, ElectionConfig config) {
    // Resolved when read: under lazy initialization the registry, and so this binder, can be
    // set up from within the creation of the elector (it takes the metrics observer).
    return new LeaderElectionGauge(SingletonSupplier.of(election::getObject), config.leaseName());
  }

  /** The meters of each named election, tagged with its lease, as the observer above is for the default one. */
  @Bean
  @ConditionalOnMissingBean
  ElectionObserverFactory leaderElectionMetricsObserverFactory(MeterRegistry registry) {
    return (election, config) -> new ElectionMetricsObserver(registry, config.leaseName());
  }

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean(ConfiguredLeaderElections.class)
  NamedElectionGauges leaderElectionNamedGauges(ObjectProvider<LeaderElections> elections,
      LeaderElectionProperties properties, ElectionConfig config) {
    return new NamedElectionGauges(ConfiguredLeaderElections.namedLeaseNames(properties, config),
        SingletonSupplier.of(elections::getObject));
  }

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean(LeaderOnlyExecutions.class)
  LeaderOnlyMetrics leaderOnlyMetrics(LeaderOnlyExecutions executions, ElectionConfig config,
      ObjectProvider<ConfiguredLeaderElections> elections) {
    // The lease of a named election's methods, looked up when first counted.
    LeaderOnlyMetrics metrics = new LeaderOnlyMetrics(config.leaseName(), name -> {
      ConfiguredLeaderElections all = elections.getIfAvailable();
      return all != null ? all.config(name).leaseName() : config.leaseName();
    });
    executions.addInvocationListener(metrics);
    return metrics;
  }
}
