package io.github.leaderelection.spring.actuate;

import static io.github.leaderelection.spring.TestRunners.runner;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.leaderelection.core.ElectionStatus;
import io.github.leaderelection.core.LeaderElector;
import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.spring.LeaderElection;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The {@code leaderElection} health contributor: when it exists, its status and details, probe groups. */
class LeaderElectionHealthTests {

  private static ApplicationContextRunner health() {
    return runner().withConfiguration(AutoConfigurations.of(LeaderElectionHealthAutoConfiguration.class,
        HealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class));
  }

  @Test
  void registeredAsLeaderElectionAndUpWithDetailsWhileLeading() {
    health().run(context -> {
      HealthIndicator indicator = (HealthIndicator) context.getBean(HealthContributorRegistry.class)
          .getContributor("leaderElection");
      assertThat(indicator).isInstanceOf(LeaderElectionHealthIndicator.class);
      Health health = indicator.health();
      assertThat(health.getStatus()).isEqualTo(Status.UP);
      String identity = context.getBean(LeaderElection.class).status().identity();
      assertThat(health.getDetails()).containsEntry("state", "leader")
          .containsEntry("holder", identity)
          .containsEntry("identity", identity)
          .containsEntry("lease", "test/orders")
          .containsEntry("transitions", 0)
          .containsKey("lastRenewal")
          .doesNotContainKey("lastError");
    });
  }

  @Test
  void neverLeaderIsUpAndNotCompeting() {
    health().withPropertyValues("leader.election.mode=never-leader").run(context -> {
      Health health = context.getBean(LeaderElectionHealthIndicator.class).health();
      assertThat(health.getStatus()).isEqualTo(Status.UP);
      assertThat(health.getDetails()).containsEntry("state", "not-competing").doesNotContainKey("lastRenewal");
    });
  }

  @Test
  void downOnceTheElectorIsClosedUnderTheRunningApplication() {
    health().run(context -> {
      context.getBean(LeaderElector.class).close();
      Health health = context.getBean(LeaderElectionHealthIndicator.class).health();
      assertThat(health.getStatus()).isEqualTo(Status.DOWN);
      assertThat(health.getDetails()).containsEntry("state", "closed").containsKey("reason");
    });
  }

  @Test
  void downWhenTheLeaderHasNotRenewedForLongerThanLeaseDurationPlusGrace() {
    Duration ld = Duration.ofSeconds(15);
    Duration grace = Duration.ofSeconds(20);
    // Within the limit: a leader whose renewals fail stops acting at the renew deadline, still UP.
    assertThat(new LeaderElectionHealthIndicator(stub(leaderFor(Duration.ofSeconds(12))), ld, grace).health()
        .getStatus()).isEqualTo(Status.UP);
    assertThat(new LeaderElectionHealthIndicator(stub(leaderFor(Duration.ofSeconds(35))), ld, grace).health()
        .getStatus()).isEqualTo(Status.UP);
    Health stuck = new LeaderElectionHealthIndicator(stub(leaderFor(Duration.ofMillis(35_001))), ld, grace).health();
    assertThat(stuck.getStatus()).isEqualTo(Status.DOWN);
    assertThat(stuck.getDetails()).containsEntry("lastRenewal", "35001ms ago")
        .hasEntrySatisfying("reason", r -> assertThat((String) r).contains("35001ms", "35s", "stuck"));
  }

  @Test
  void lastErrorShowsItsFirstLineOnly() {
    ElectionStatus status = new ElectionStatus(ElectionStatus.State.RUNNING, false, "me", "orders", "test",
        "other", 3, null, null, null, null, "refused to update leases.\napiVersion: rbac.authorization.k8s.io/v1");
    Health health = new LeaderElectionHealthIndicator(stub(status), Duration.ofSeconds(15), Duration.ofSeconds(20))
        .health();
    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(health.getDetails()).containsEntry("state", "follower").containsEntry("holder", "other")
        .containsEntry("lastError", "refused to update leases.");
  }

  @Test
  void gracePropertyBinds() {
    health().withPropertyValues("leader.election.health.renewal-grace=1")
        .run(context -> assertThat(context.getBean(LeaderElectionHealthIndicator.class))
            .extracting("renewalLimit").isEqualTo(Duration.ofSeconds(16)));
  }

  @Test
  void notInTheReadinessGroupAndAddableToLiveness() {
    ApplicationContextRunner probes = health().withConfiguration(AutoConfigurations.of(
            EndpointAutoConfiguration.class, HealthEndpointAutoConfiguration.class,
            ApplicationAvailabilityAutoConfiguration.class, AvailabilityHealthContributorAutoConfiguration.class,
            AvailabilityProbesAutoConfiguration.class))
        .withPropertyValues("management.endpoint.health.probes.enabled=true");
    probes.run(context -> {
      HealthEndpointGroups groups = context.getBean(HealthEndpointGroups.class);
      assertThat(groups.getPrimary().isMember("leaderElection")).isTrue();
      assertThat(groups.get("readiness").isMember("leaderElection")).isFalse();
      assertThat(groups.get("liveness").isMember("leaderElection")).isFalse();
    });
    probes.withPropertyValues("management.endpoint.health.group.liveness.include=livenessState,leaderElection")
        .run(context -> {
          assertThat(context).hasNotFailed();
          HealthEndpointGroups groups = context.getBean(HealthEndpointGroups.class);
          assertThat(groups.get("liveness").isMember("leaderElection")).isTrue();
          assertThat(groups.get("liveness").isMember("livenessState")).isTrue();
          assertThat(groups.get("readiness").isMember("leaderElection")).isFalse();
        });
  }

  @Test
  void offWhenDisabledOrWithoutHealthOrWithoutElection() {
    health().withPropertyValues("management.health.leaderelection.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(LeaderElectionHealthIndicator.class));
    health().withPropertyValues("leader.election.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(LeaderElectionHealthIndicator.class));
    health().withClassLoader(new FilteredClassLoader(HealthIndicator.class))
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).doesNotHaveBean(LeaderElectionHealthIndicator.class);
        });
  }

  @Test
  void userIndicatorWins() {
    LeaderElectionHealthIndicator mine = new LeaderElectionHealthIndicator(
        stub(leaderFor(Duration.ZERO)), Duration.ofSeconds(15), Duration.ofSeconds(1));
    health().withBean("mine", LeaderElectionHealthIndicator.class, () -> mine)
        .run(context -> assertThat(context).getBean(LeaderElectionHealthIndicator.class).isSameAs(mine));
  }

  // --- helpers ------------------------------------------------------------------------------------

  /** A status of a leader whose last successful renewal was sent {@code ago}. */
  private static ElectionStatus leaderFor(Duration ago) {
    LeadershipTerm term = new LeadershipTerm("orders", "test", "me", 1, Instant.EPOCH);
    boolean acting = ago.compareTo(Duration.ofSeconds(10)) < 0;
    return new ElectionStatus(ElectionStatus.State.RUNNING, acting, "me", "orders", "test", "me", 1,
        Instant.EPOCH, Instant.EPOCH, acting ? term : null, ago, null);
  }

  static LeaderElection stub(ElectionStatus status) {
    return new LeaderElection() {
      @Override
      public boolean isLeader() {
        return status.leader();
      }

      @Override
      public Optional<LeadershipTerm> currentTerm() {
        return Optional.ofNullable(status.term());
      }

      @Override
      public Optional<String> currentHolder() {
        return status.holder().isEmpty() ? Optional.empty() : Optional.of(status.holder());
      }

      @Override
      public OptionalLong fencingToken() {
        return status.term() == null ? OptionalLong.empty() : OptionalLong.of(status.term().fencingToken());
      }

      @Override
      public boolean awaitLeadership(Duration timeout) {
        return status.leader();
      }

      @Override
      public CompletableFuture<Boolean> stepDown() {
        return CompletableFuture.completedFuture(false);
      }

      @Override
      public ElectionStatus status() {
        return status;
      }
    };
  }
}
