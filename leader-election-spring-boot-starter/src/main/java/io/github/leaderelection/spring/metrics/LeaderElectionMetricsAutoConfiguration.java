package io.github.leaderelection.spring.metrics;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.spring.election.LeaderElectionAutoConfiguration;
import io.github.leaderelection.spring.leaderonly.LeaderOnlyAutoConfiguration;
import io.github.leaderelection.spring.leaderonly.LeaderOnlyExecutions;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters of the election, under {@code leader.election.*} and
 * {@code leader.only.*}, tagged {@code lease}: when micrometer-core is on the classpath, a
 * {@link MeterRegistry} bean exists and leader election is enabled. The
 * {@link ElectionMetricsObserver} is an {@code ElectionObserver} bean, which the
 * auto-configured elector is built with (beside any other observer beans).
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
  LeaderElectionGauge leaderElectionGauge(MeterRegistry registry, LeaderElection election, ElectionConfig config) {
    return new LeaderElectionGauge(registry, election, config.leaseName());
  }

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean(LeaderOnlyExecutions.class)
  LeaderOnlyMetrics leaderOnlyMetrics(MeterRegistry registry, LeaderOnlyExecutions executions, ElectionConfig config) {
    LeaderOnlyMetrics metrics = new LeaderOnlyMetrics(registry, config.leaseName());
    executions.addInvocationListener(metrics);
    return metrics;
  }
}
