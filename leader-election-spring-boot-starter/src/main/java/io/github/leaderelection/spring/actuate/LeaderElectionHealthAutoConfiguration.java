package io.github.leaderelection.spring.actuate;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.LeaderElector;
import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.spring.election.LeaderElectionAutoConfiguration;
import io.github.leaderelection.spring.election.LeaderElectionProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code leaderElection} health contributor, when spring-boot-health is on the classpath
 * and leader election is enabled. Switched off with
 * {@code management.health.leaderelection.enabled=false}. Not in the readiness group; add it
 * to the liveness group with
 * {@code management.endpoint.health.group.liveness.include=livenessState,leaderElection}.
 */
@AutoConfiguration(after = LeaderElectionAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBooleanProperty(name = "leader.election.enabled", matchIfMissing = true)
@ConditionalOnBean(LeaderElection.class)
public final class LeaderElectionHealthAutoConfiguration {

  /** Named so that the contributor is {@code leaderElection}. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnEnabledHealthIndicator("leaderelection")
  LeaderElectionHealthIndicator leaderElectionHealthIndicator(LeaderElection election,
      ObjectProvider<LeaderElector> elector, ObjectProvider<ElectionConfig> config,
      ObjectProvider<LeaderElectionProperties> properties) {
    LeaderElectionProperties.Health health = properties.getIfAvailable(LeaderElectionProperties::new).getHealth();
    return new LeaderElectionHealthIndicator(election, ElectionConfigs.of(elector, config)
        .map(ElectionConfig::leaseDuration).orElse(ElectionConfig.DEFAULT_LEASE_DURATION), health.getRenewalGrace());
  }
}
