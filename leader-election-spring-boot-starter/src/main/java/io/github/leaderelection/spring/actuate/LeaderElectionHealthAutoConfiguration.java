package io.github.leaderelection.spring.actuate;

import io.github.leaderelection.spring.LeaderElections;
import io.github.leaderelection.spring.election.ConfiguredLeaderElections;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
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

  /**
   * The {@code leaderElections} contributor: one {@link LeaderElectionHealthIndicator} per named
   * election ({@code leader.election.elections}), by name, each judged with its own lease
   * duration. Only when there are named elections; the default election stays
   * {@code leaderElection}.
   */
  @Bean
  @ConditionalOnMissingBean(name = "leaderElectionsHealthContributor")
  @ConditionalOnEnabledHealthIndicator("leaderelection")
  @ConditionalOnBean(ConfiguredLeaderElections.class)
  @Conditional(OnNamedElectionsCondition.class)
  CompositeHealthContributor leaderElectionsHealthContributor(ConfiguredLeaderElections elections,
      ObjectProvider<LeaderElectionProperties> properties) {
    Duration grace = properties.getIfAvailable(LeaderElectionProperties::new).getHealth().getRenewalGrace();
    Map<String, LeaderElectionHealthIndicator> byName = new LinkedHashMap<>();
    for (String name : elections.names()) {
      if (!name.equals(LeaderElections.DEFAULT)) {
        byName.put(name, new LeaderElectionHealthIndicator(elections.get(name), elections.config(name).leaseDuration(),
            grace));
      }
    }
    return CompositeHealthContributor.fromMap(byName);
  }

  /**
   * The {@code leaderElectionLeadership} contributor, opt-in with
   * {@code leader.election.health.leadership.enabled=true}: one {@link LeadershipHealthIndicator}
   * per election, by name (the default one as {@code default}), UP on the leader only. Put it in
   * a group of its own, e.g. {@code management.endpoint.health.group.leader.include=leaderElectionLeadership}.
   */
  @Bean
  @ConditionalOnMissingBean(name = "leaderElectionLeadershipHealthContributor")
  @ConditionalOnBooleanProperty(name = "leader.election.health.leadership.enabled")
  @ConditionalOnBean(LeaderElections.class)
  CompositeHealthContributor leaderElectionLeadershipHealthContributor(LeaderElections elections) {
    Map<String, LeadershipHealthIndicator> byName = new LinkedHashMap<>();
    elections.names().forEach(name -> byName.put(name, new LeadershipHealthIndicator(name, elections.get(name))));
    return CompositeHealthContributor.fromMap(byName);
  }

  /** Whether {@code leader.election.elections} names any election. */
  static final class OnNamedElectionsCondition extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      boolean any = !Binder.get(context.getEnvironment()).bind("leader.election.elections",
          Bindable.mapOf(String.class, LeaderElectionProperties.Election.class)).orElse(Map.of()).isEmpty();
      return any ? ConditionOutcome.match("named elections are configured")
          : ConditionOutcome.noMatch("no named elections (leader.election.elections)");
    }
  }
}
