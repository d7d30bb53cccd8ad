package io.github.leaderelection.spring.test;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.LeaseStore;
import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.spring.election.ElectionModes;
import io.github.leaderelection.spring.election.LeaderElectionAutoConfiguration;
import io.github.leaderelection.spring.election.LeaderElectionProperties;
import io.github.leaderelection.spring.leaderonly.LeaderOnlyExecutions;
import java.time.Duration;
import java.util.Arrays;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The test kit: the election's lease replaced by one the test controls, {@link LeadershipControl},
 * {@link LeadershipEvents}, {@link LeaderOnlyInvocations}, and fast election timings. Imported
 * only by {@link AutoConfigureLeaderElectionControl} or {@link LeaderElectionTestKit}, never
 * listed as a regular auto-configuration (see there why).
 *
 * <p>Before the starter's election configuration, so that its {@code LeaseStore} bean, which
 * backs off when one is defined, sees this one.
 */
@AutoConfiguration(before = LeaderElectionAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "leader.election.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LeaderElectionTestProperties.class)
public final class LeadershipControlAutoConfiguration {

  /** Static: a post-processor, created before the configuration class itself. */
  @Bean
  static TestTimingDefaults leaderElectionTestTimingDefaults() {
    return new TestTimingDefaults();
  }

  /**
   * The lease. An application's own LeaseStore bean is kept (the starter keeps it too), and
   * the control then fails to start, saying so.
   */
  @Bean
  @ConditionalOnMissingBean(LeaseStore.class)
  ControlledLease leaderElectionControlledLease(ElectionConfig config) {
    return new ControlledLease(config);
  }

  @Bean
  LeadershipEvents leadershipEvents(ElectionConfig config, LeaderElectionTestProperties properties) {
    return new LeadershipEvents(awaitTimeout(config, properties));
  }

  @Bean
  LeaderOnlyInvocations leaderOnlyInvocations(ObjectProvider<LeaderOnlyExecutions> executions, ElectionConfig config,
      LeaderElectionTestProperties properties) {
    return new LeaderOnlyInvocations(executions.getIfAvailable(), awaitTimeout(config, properties));
  }

  @Bean
  LeadershipControl leadershipControl(ObjectProvider<ControlledLease> lease, ListableBeanFactory beans,
      LeaderElection election, ElectionConfig config, LeaderElectionProperties electionProperties,
      Environment environment, LeaderElectionTestProperties properties, LeadershipEvents events,
      LeaderOnlyInvocations invocations) {
    ControlledLease controlled = lease.getIfAvailable();
    if (controlled == null) {
      throw new IllegalStateException("LeadershipControl cannot control the election: the application defines"
          + " its own LeaseStore bean " + Arrays.toString(beans.getBeanNamesForType(LeaseStore.class))
          + ", which the test kit does not replace. Leave it out of tests that use"
          + " @AutoConfigureLeaderElectionControl.");
    }
    boolean competes = ElectionModes.resolve(electionProperties.getMode(), environment)
        != LeaderElectionProperties.Mode.NEVER_LEADER;
    LeaseElectionControl defaultElection = new LeaseElectionControl(LeadershipControl.DEFAULT_ELECTION, controlled,
        election, config.identity(), competes, events, awaitTimeout(config, properties));
    return new LeadershipControl(defaultElection, events, invocations, properties.isResetBeforeEachTest());
  }

  /**
   * {@code leader.election.test.await-timeout}, else long enough for the slowest change the
   * election's timings allow, plus 5 s of slack for a loaded machine: a grant waits at most a
   * step-down cool-down and a retry period (a watch restart, another one); a revoke waits for
   * the term's running {@code @LeaderOnly} calls (at most the shutdown timeout) and, for
   * RENEW_FAILED, one renew deadline.
   */
  static Duration awaitTimeout(ElectionConfig config, LeaderElectionTestProperties properties) {
    Duration configured = properties.getAwaitTimeout();
    if (configured != null) {
      if (configured.isNegative() || configured.isZero()) {
        throw new IllegalArgumentException("leader.election.test.await-timeout must be positive: " + configured);
      }
      return configured;
    }
    return Duration.ofSeconds(5)
        .plus(config.stepDownCooldown())
        .plus(config.renewDeadline())
        .plus(config.shutdownTimeout())
        .plus(config.retryPeriod().multipliedBy(2));
  }
}
