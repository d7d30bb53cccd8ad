package io.github.leaderelection.spring.test;

import static io.github.leaderelection.spring.test.KitRunners.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.InMemoryLeaseStore;
import io.github.leaderelection.core.LeaseStore;
import io.github.leaderelection.spring.LeaderElection;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * When the kit is active and when not: only where a test imports it, never because its jar is
 * on the classpath; and what it needs from the application (the starter's lease store, a mode
 * that competes).
 */
class ActivationTests {

  @Test
  void anApplicationWithTheJarOnItsClasspathButNoImportKeepsTheStartersLease() {
    // This test's classpath has the kit's jar, as a production classpath would if it leaked
    // there: a plain Spring Boot application must not pick it up.
    try (ConfigurableApplicationContext context = new SpringApplicationBuilder(PlainApplication.class)
        .web(WebApplicationType.NONE)
        .properties("spring.main.cloud-platform=none", "KUBECONFIG=", "KUBERNETES_SERVICE_HOST=",
            "spring.main.banner-mode=off")
        .run()) {
      assertThat(context.getBean(LeaderElection.class).isLeader()).isTrue(); // always-leader, the starter's own
      assertThat(context.getBean(LeaseStore.class)).isExactlyInstanceOf(InMemoryLeaseStore.class);
      assertThat(context.getBeanProvider(LeadershipControl.class).getIfAvailable()).isNull();
      assertThat(context.getBeanProvider(LeadershipEvents.class).getIfAvailable()).isNull();
      assertThat(context.getEnvironment().getPropertySources().contains(TestTimingDefaults.SOURCE_NAME)).isFalse();
      assertThat(context.getBean(ElectionConfig.class).retryPeriod()).isEqualTo(Duration.ofSeconds(2));
    }
  }

  @Test
  void nothingWhenLeaderElectionIsDisabled() {
    runner().withPropertyValues("leader.election.enabled=false").run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).doesNotHaveBean(LeadershipControl.class);
      assertThat(context).doesNotHaveBean(LeaseStore.class);
      assertThat(context).doesNotHaveBean(LeadershipEvents.class);
    });
  }

  @Test
  void anApplicationsOwnLeaseStoreIsKeptAndTheControlSaysItCannotWork() {
    runner().withBean("myLeaseStore", LeaseStore.class, () -> new InMemoryLeaseStore("test", "orders"))
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).rootCause()
              .hasMessageContaining("defines its own LeaseStore bean [myLeaseStore]")
              .hasMessageContaining("@AutoConfigureLeaderElectionControl");
        });
  }

  @Test
  void neverLeaderNeverCompetesSoGrantRefusesAndResetLeavesItAlone() {
    runner().withPropertyValues("leader.election.mode=never-leader").run(context -> {
      assertThat(context).hasNotFailed();
      LeadershipControl leadership = context.getBean(LeadershipControl.class);
      leadership.reset(); // nothing to restore: it never competes
      assertThat(leadership.isLeader()).isFalse();
      assertThatIllegalStateException().isThrownBy(leadership::grant)
          .withMessageContaining("never-leader");
    });
  }

  @Test
  void kubernetesModeWithTheKitTalksToNoApiServer() {
    // As on a CI runner that is itself a pod: mode kubernetes, no API server reachable. The
    // kit's lease replaces the Kubernetes one; startup does not wait, the first grant does.
    runner().withPropertyValues("leader.election.mode=kubernetes").run(context -> {
      assertThat(context).hasNotFailed();
      LeadershipControl leadership = context.getBean(LeadershipControl.class);
      leadership.grant();
      leadership.revoke();
      assertThat(leadership.holder()).contains(LeadershipControl.OTHER_INSTANCE);
      assertThat(context.getBean(LeaderElection.class).status().lastError()).isNull();
    });
  }

  @Test
  void theKitsTimingsApplyWhenTheApplicationSetsNone() {
    runner().run(context -> {
      ElectionConfig config = context.getBean(ElectionConfig.class);
      assertThat(config.leaseDuration()).isEqualTo(Duration.ofSeconds(5));
      assertThat(config.renewDeadline()).isEqualTo(Duration.ofSeconds(3));
      assertThat(config.retryPeriod()).isEqualTo(Duration.ofSeconds(1));
      assertThat(config.stepDownCooldown()).isEqualTo(Duration.ofSeconds(1));
      assertThat(config.interoperabilityWarnings()).as("no WARN at each start").isEmpty();
      assertThat(LeadershipControlAutoConfiguration.awaitTimeout(config, new LeaderElectionTestProperties()))
          .isEqualTo(Duration.ofSeconds(5 + 1 + 3 + 3 + 2));
    });
  }

  @Test
  void anyTimingTheApplicationSetsKeepsAllOfThemItsOwn() {
    // The kit's 3 s renew deadline with the application's 3 s retry period would be invalid.
    runner().withPropertyValues("leader.election.retry-period=3s").run(context -> {
      assertThat(context).hasNotFailed();
      ElectionConfig config = context.getBean(ElectionConfig.class);
      assertThat(config.retryPeriod()).isEqualTo(Duration.ofSeconds(3));
      assertThat(config.renewDeadline()).isEqualTo(ElectionConfig.DEFAULT_RENEW_DEADLINE);
      assertThat(config.leaseDuration()).isEqualTo(ElectionConfig.DEFAULT_LEASE_DURATION);
      assertThat(config.stepDownCooldown()).as("no rule ties it to the others").isEqualTo(Duration.ofSeconds(1));
    });
    runner().withPropertyValues("leader.election.requestTimeout=4s").run(context -> {
      assertThat(context).hasNotFailed(); // a relaxed name counts as set
      assertThat(context.getBean(ElectionConfig.class).renewDeadline()).isEqualTo(ElectionConfig.DEFAULT_RENEW_DEADLINE);
    });
    runner().withPropertyValues("leader.election.step-down-cooldown=7s").run(context ->
        assertThat(context.getBean(ElectionConfig.class).stepDownCooldown()).isEqualTo(Duration.ofSeconds(7)));
  }

  @Test
  void fastTimingsCanBeTurnedOffAndTheTimeoutSet() {
    runner().withPropertyValues("leader.election.test.fast-timings=false", "leader.election.test.await-timeout=42s")
        .run(context -> {
          ElectionConfig config = context.getBean(ElectionConfig.class);
          assertThat(config.retryPeriod()).isEqualTo(ElectionConfig.DEFAULT_RETRY_PERIOD);
          assertThat(config.stepDownCooldown()).isEqualTo(ElectionConfig.DEFAULT_LEASE_DURATION);
          assertThat(LeadershipControlAutoConfiguration.awaitTimeout(config,
              context.getBean(LeaderElectionTestProperties.class))).isEqualTo(Duration.ofSeconds(42));
        });
  }

  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class PlainApplication {}
}
