package io.github.leaderelection.spring.elections;

import static io.github.leaderelection.spring.TestRunners.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.leaderelection.spring.LeaderElections;
import io.github.leaderelection.spring.LeaderOnly;
import io.github.leaderelection.spring.actuate.LeaderElectionHealthAutoConfiguration;
import io.github.leaderelection.spring.actuate.LeaderEndpoint;
import io.github.leaderelection.spring.actuate.LeaderEndpointAutoConfiguration;
import io.github.leaderelection.spring.metrics.LeaderElectionMetricsAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Named elections in the actuator endpoint, the health contributors and the meters. */
class NamedElectionsOperationsTests {

  private static ApplicationContextRunner named() {
    return runner().withPropertyValues("leader.election.elections.billing.lease-duration=30s",
        "leader.election.elections.billing.renew-deadline=20s", "leader.election.elections.billing.step-down-cooldown=60s",
        "leader.election.elections.cache.lease-name=warm-cache");
  }

  @Test
  void theEndpointListsEveryElectionReadsOneAndStepsDownOneByName() {
    named().withConfiguration(AutoConfigurations.of(LeaderEndpointAutoConfiguration.class))
        .withPropertyValues("management.endpoints.web.exposure.include=leader").run(context -> {
          LeaderElections elections = context.getBean(LeaderElections.class);
          await().atMost(10, TimeUnit.SECONDS).until(() -> elections.get("billing").isLeader()
              && elections.get("cache").isLeader());
          LeaderEndpoint endpoint = context.getBean(LeaderEndpoint.class);
          LeaderEndpoint.LeaderDescriptor all = endpoint.leader();
          assertThat(all.configuration().leaseName()).isEqualTo("orders");
          assertThat(all.elections()).containsOnlyKeys("billing", "cache");
          assertThat(all.elections().get("billing").configuration().leaseName()).isEqualTo("orders-billing");
          assertThat(all.elections().get("billing").configuration().leaseDuration()).isEqualTo("30s");
          assertThat(all.elections().get("cache").configuration().leaseName()).isEqualTo("warm-cache");
          assertThat(endpoint.leader("cache").configuration().leaseName()).isEqualTo("warm-cache");
          assertThat(endpoint.leader("default").configuration().leaseName()).isEqualTo("orders");
          assertThat(endpoint.leader("nope")).isNull();

          LeaderEndpoint.StepDownDescriptor result = endpoint.stepDown("billing");
          assertThat(result.released()).isTrue();
          assertThat(elections.get("billing").isLeader()).isFalse();
          assertThat(elections.get("cache").isLeader()).as("only the named election steps down").isTrue();
          assertThat(elections.get("default").isLeader()).isTrue();
          assertThat(endpoint.stepDown("nope").message()).contains("no election named 'nope'")
              .contains("default, billing, cache");
        });
  }

  @Test
  void eachNamedElectionHasItsHealthContributor() {
    named().withConfiguration(AutoConfigurations.of(LeaderElectionHealthAutoConfiguration.class)).run(context -> {
      LeaderElections elections = context.getBean(LeaderElections.class);
      await().atMost(10, TimeUnit.SECONDS).until(() -> elections.get("billing").isLeader());
      CompositeHealthContributor named = context.getBean("leaderElectionsHealthContributor",
          CompositeHealthContributor.class);
      HealthIndicator billing = (HealthIndicator) named.getContributor("billing");
      assertThat(billing.health().getStatus()).isEqualTo(Status.UP);
      assertThat(billing.health().getDetails()).containsEntry("lease", "test/orders-billing")
          .containsEntry("state", "leader");
      assertThat(named.getContributor("cache")).isNotNull();
      assertThat(named.getContributor("default")).isNull(); // that one is leaderElection
    });
  }

  @Test
  void theOptInLeadershipContributorIsUpOnTheLeaderOfEachElectionOnly() {
    named().withConfiguration(AutoConfigurations.of(LeaderElectionHealthAutoConfiguration.class))
        .withPropertyValues("leader.election.health.leadership.enabled=true").run(context -> {
          LeaderElections elections = context.getBean(LeaderElections.class);
          await().atMost(10, TimeUnit.SECONDS).until(() -> elections.get("billing").isLeader());
          CompositeHealthContributor leadership = context.getBean("leaderElectionLeadershipHealthContributor",
              CompositeHealthContributor.class);
          assertThat(((HealthIndicator) leadership.getContributor("default")).health().getStatus()).isEqualTo(Status.UP);
          elections.get("billing").stepDown().get(10, TimeUnit.SECONDS);
          assertThat(((HealthIndicator) leadership.getContributor("billing")).health().getStatus())
              .isEqualTo(Status.OUT_OF_SERVICE);
          assertThat(((HealthIndicator) leadership.getContributor("cache")).health().getStatus()).isEqualTo(Status.UP);
        });
    runner().withConfiguration(AutoConfigurations.of(LeaderElectionHealthAutoConfiguration.class))
        .run(context -> assertThat(context).doesNotHaveBean("leaderElectionLeadershipHealthContributor"));
  }

  @Test
  void withoutNamedElectionsThereIsNoCompositeContributor() {
    runner().withConfiguration(AutoConfigurations.of(LeaderElectionHealthAutoConfiguration.class))
        .run(context -> assertThat(context).doesNotHaveBean("leaderElectionsHealthContributor"));
  }

  @Test
  void metersAreTaggedWithEachElectionsLease() {
    named().withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
            LeaderElectionMetricsAutoConfiguration.class))
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withBean(Jobs.class)
        .run(context -> {
          MeterRegistry registry = context.getBean(MeterRegistry.class);
          LeaderElections elections = context.getBean(LeaderElections.class);
          await().atMost(10, TimeUnit.SECONDS).until(() -> elections.get("billing").isLeader());
          assertThat(registry.find("leader.election.leader").tag("lease", "orders-billing").gauge().value()).isEqualTo(1.0);
          assertThat(registry.find("leader.election.leader").tag("lease", "warm-cache").gauge()).isNotNull();
          assertThat(registry.find("leader.election.leader").tag("lease", "orders").gauge()).isNotNull();
          await().atMost(10, TimeUnit.SECONDS).until(() -> registry.find("leader.election.transitions")
              .tag("lease", "orders-billing").counter() != null);
          context.getBean(Jobs.class).bill();
          assertThat(registry.find("leader.only.invocations").tags("lease", "orders-billing",
              "method", "NamedElectionsOperationsTests.Jobs.bill", "outcome", "executed").counter().count())
              .isEqualTo(1.0);
          elections.get("billing").stepDown().get(10, TimeUnit.SECONDS);
          assertThat(registry.find("leader.election.leader").tag("lease", "orders-billing").gauge().value()).isZero();
        });
  }

  static class Jobs {
    @LeaderOnly("billing")
    public void bill() {}
  }
}
