package io.github.leaderelection.spring.test;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.LeaseStore;
import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.spring.LeaderElections;
import io.github.leaderelection.spring.election.ElectionLeaseStoreFactory;
import io.github.leaderelection.spring.election.ElectionModes;
import io.github.leaderelection.spring.election.LeaderElectionAutoConfiguration;
import io.github.leaderelection.spring.election.LeaderElectionProperties;
import io.github.leaderelection.spring.leaderonly.LeaderOnlyExecutions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.util.function.SingletonSupplier;

/**
 * The test kit: the elections' leases replaced by ones the test controls (the default
 * election's {@code LeaseStore} bean, and an {@link ElectionLeaseStoreFactory} for the named
 * ones), {@link LeadershipControl}, {@link LeadershipEvents}, {@link LeaderOnlyInvocations},
 * and fast election timings. Imported only by {@link AutoConfigureLeaderElectionControl} or
 * {@link LeaderElectionTestKit}, never listed as a regular auto-configuration (see there why).
 *
 * <p>Before the starter's election configuration, so that its {@code LeaseStore} and
 * {@code ElectionLeaseStoreFactory} beans, which back off when one is defined, see these.
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
   * The default election's lease. An application's own LeaseStore bean is kept (the starter
   * keeps it too), and the control then fails to start, saying so.
   */
  @Bean
  @ConditionalOnMissingBean(LeaseStore.class)
  ControlledLease leaderElectionControlledLease(ElectionConfig config) {
    return new ControlledLease(config);
  }

  /**
   * The named elections' leases, one per election, made when the starter builds them. An
   * application's own factory is kept, as its own LeaseStore is, and the control then fails
   * to start if there are named elections.
   */
  @Bean
  @ConditionalOnMissingBean(ElectionLeaseStoreFactory.class)
  ControlledLeaseFactory leaderElectionControlledLeaseFactory() {
    return new ControlledLeaseFactory();
  }

  /** Names and wait timeouts of the elections, for the recorders; resolved when first asked. */
  @Bean
  KitElections leaderElectionTestKitElections(ElectionConfig config, ObjectProvider<LeaderElections> elections,
      LeaderElectionTestProperties properties) {
    return new KitElections(config, SingletonSupplier.of(() -> elections.getIfAvailable(() -> null)), properties);
  }

  @Bean
  LeadershipEvents leadershipEvents(KitElections elections) {
    return new LeadershipEvents(elections);
  }

  @Bean
  LeaderOnlyInvocations leaderOnlyInvocations(ObjectProvider<LeaderOnlyExecutions> executions,
      KitElections elections) {
    return new LeaderOnlyInvocations(executions.getIfAvailable(), elections);
  }

  @Bean
  LeadershipControl leadershipControl(ObjectProvider<ControlledLease> lease,
      ObjectProvider<ControlledLeaseFactory> namedLeases, ObjectProvider<LeaderElections> allElections,
      ListableBeanFactory beans, LeaderElection election, ElectionConfig config,
      LeaderElectionProperties electionProperties, Environment environment, LeaderElectionTestProperties properties,
      LeadershipEvents events, LeaderOnlyInvocations invocations) {
    ControlledLease controlled = lease.getIfAvailable();
    if (controlled == null) {
      throw new IllegalStateException("LeadershipControl cannot control the election: the application defines"
          + " its own LeaseStore bean " + Arrays.toString(beans.getBeanNamesForType(LeaseStore.class))
          + ", which the test kit does not replace. Leave it out of tests that use"
          + " @AutoConfigureLeaderElectionControl.");
    }
    boolean competes = ElectionModes.resolve(electionProperties.getMode(), environment)
        != LeaderElectionProperties.Mode.NEVER_LEADER;
    List<LeaseElectionControl> controls = new ArrayList<>();
    controls.add(new LeaseElectionControl(LeadershipControl.DEFAULT_ELECTION, controlled, election,
        config.identity(), competes, events, awaitTimeout(config, properties)));
    // Asking for the elections makes the starter build the named ones, each on a lease from the
    // factory: after this, the factory has every named election's lease.
    LeaderElections elections = allElections.getIfAvailable();
    if (elections != null) {
      ControlledLeaseFactory factory = namedLeases.getIfAvailable();
      for (String name : elections.names()) {
        if (name.equals(LeaderElections.DEFAULT)) {
          continue;
        }
        ControlledLease named = factory == null ? null : factory.lease(name);
        if (named == null) {
          throw notControlled(name, factory == null, beans);
        }
        ElectionConfig namedConfig = named.config();
        controls.add(new LeaseElectionControl(name, named, elections.get(name), namedConfig.identity(), competes,
            events, awaitTimeout(namedConfig, properties)));
      }
    }
    return new LeadershipControl(controls, events, invocations, properties.isResetBeforeEachTest());
  }

  /** Why a named election does not run on a lease of the kit: whose store or registry it has. */
  private static IllegalStateException notControlled(String name, boolean ownFactory, ListableBeanFactory beans) {
    String whose = ownFactory
        ? "the application defines its own ElectionLeaseStoreFactory bean "
            + Arrays.toString(beans.getBeanNamesForType(ElectionLeaseStoreFactory.class))
            + ", which the test kit does not replace"
        : "it does not run on a lease of the test kit (the application defines its own LeaderElections bean "
            + Arrays.toString(beans.getBeanNamesForType(LeaderElections.class))
            + ", which did not take its leases from the ElectionLeaseStoreFactory bean)";
    return new IllegalStateException("LeadershipControl cannot control the election '" + name + "': " + whose
        + ". Leave it out of tests that use @AutoConfigureLeaderElectionControl.");
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
