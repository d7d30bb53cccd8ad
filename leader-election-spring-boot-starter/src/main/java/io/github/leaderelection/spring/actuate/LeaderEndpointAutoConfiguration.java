package io.github.leaderelection.spring.actuate;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.LeaderElector;
import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.spring.election.ConfiguredLeaderElections;
import io.github.leaderelection.spring.election.LeadershipBalancing;
import io.github.leaderelection.spring.election.ElectionModes;
import io.github.leaderelection.spring.election.LeaderElectionAutoConfiguration;
import io.github.leaderelection.spring.election.LeaderElectionProperties;
import java.util.Locale;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The {@code leader} actuator endpoint, when the actuator is on the classpath, leader election
 * is enabled and the endpoint is available (accessible and exposed). Its write operation,
 * step down, needs {@code management.endpoint.leader.access=unrestricted}.
 */
@AutoConfiguration(after = LeaderElectionAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnBooleanProperty(name = "leader.election.enabled", matchIfMissing = true)
@ConditionalOnBean(LeaderElection.class)
public final class LeaderEndpointAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnAvailableEndpoint
  LeaderEndpoint leaderEndpoint(LeaderElection election, ObjectProvider<LeaderElector> elector,
      ObjectProvider<ElectionConfig> config, ObjectProvider<LeaderElectionProperties> properties,
      ObjectProvider<ConfiguredLeaderElections> elections, ObjectProvider<LeadershipBalancing> balancing,
      Environment environment) {
    LeaderElectionProperties props = properties.getIfAvailable(LeaderElectionProperties::new);
    String mode = ElectionModes.resolve(props.getMode(), environment).name().toLowerCase(Locale.ROOT).replace('_', '-');
    return new LeaderEndpoint(election, ElectionConfigs.of(elector, config).orElse(null), mode,
        elections.getIfAvailable(), balancing.getIfAvailable());
  }
}
