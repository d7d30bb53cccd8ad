package io.github.leaderelection.spring.election;

import static io.github.leaderelection.spring.TestRunners.analyze;
import static io.github.leaderelection.spring.TestRunners.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.leaderelection.spring.LeaderElections;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Balancing's configuration: off by default, defaults, and a clear error for each setting that cannot work. */
class BalancingConfigurationTests {

  private static final String[] NAMED = {"leader.election.elections.billing.lease-duration=30s",
      "leader.election.elections.billing.renew-deadline=20s", "leader.election.elections.cache.retry-period=1s"};

  @Test
  void offByDefault() {
    runner().withPropertyValues(NAMED).run(context -> {
      assertThat(context).doesNotHaveBean(LeadershipBalancing.class);
      assertThat(context.getBean(BalanceSettings.class).enabled()).isFalse();
    });
  }

  @Test
  void onWithDefaultsFromTheDefaultElection() {
    runner().withPropertyValues(NAMED).withPropertyValues("leader.election.balance.enabled=true",
        "leader.election.lease-duration=20s", "leader.election.renew-deadline=12s", "leader.election.retry-period=3s")
        .run(context -> {
          assertThat(context).hasSingleBean(LeadershipBalancing.class);
          BalanceSettings settings = context.getBean(BalanceSettings.class);
          assertThat(settings.group()).isEqualTo("orders"); // the default lease name
          assertThat(settings.holdBack()).isEqualTo(Duration.ofSeconds(3));
          assertThat(settings.settleTime()).isEqualTo(Duration.ofSeconds(20));
          assertThat(settings.elections()).isEqualTo(Set.of("default", "billing", "cache"));
          assertThat(context.getBean(LeadershipBalancing.class).getPhase()).isEqualTo(LeaderElectionLifecycle.PHASE + 1);
        });
  }

  @Test
  void explicitSettingsAndASubsetOfElections() {
    runner().withPropertyValues(NAMED).withPropertyValues("leader.election.balance.enabled=true",
        "leader.election.balance.group=jobs", "leader.election.balance.hold-back=500ms",
        "leader.election.balance.settle-time=1m", "leader.election.balance.elections=billing,cache").run(context -> {
          BalanceSettings settings = context.getBean(BalanceSettings.class);
          assertThat(settings.group()).isEqualTo("jobs");
          assertThat(settings.holdBack()).isEqualTo(Duration.ofMillis(500));
          assertThat(settings.settleTime()).isEqualTo(Duration.ofMinutes(1));
          assertThat(settings.balances("billing")).isTrue();
          assertThat(settings.balances("default")).isFalse();
          assertThat(settings.birthHoldBack("default")).isZero();
          assertThat(settings.birthHoldBack("cache")).as("not on Kubernetes").isZero();
        });
  }

  @Test
  void inTheLocalModesBalancingLetsEveryElectionLead() {
    // Always-leader (no Kubernetes): every election must still lead; the electors were born holding back.
    runner().withPropertyValues(NAMED).withPropertyValues("leader.election.balance.enabled=true",
        "leader.election.balance.hold-back=1h").run(context -> {
          LeaderElections elections = context.getBean(LeaderElections.class);
          await().atMost(10, TimeUnit.SECONDS).until(() -> elections.names().stream()
              .allMatch(n -> elections.get(n).isLeader()));
        });
  }

  @Test
  void anUnknownElectionIsRefusedWithTheKnownOnes() {
    assertRefused("leader.election.balance.elections=billing,billnig", "leader.election.balance.elections",
        "billnig", "[default, billing, cache]");
  }

  @Test
  void aGroupThatCannotNameALeaseIsRefused() {
    assertRefused("leader.election.balance.group=Billing_Jobs", "leader.election.balance.group", "Billing_Jobs",
        "lower-case");
  }

  @Test
  void aNonPositiveHoldBackOrSettleTimeIsRefused() {
    assertRefused("leader.election.balance.hold-back=0s", "leader.election.balance.hold-back", "PT0S", "positive");
    assertRefused("leader.election.balance.settle-time=-1s", "leader.election.balance.settle-time", "PT-1S",
        "positive");
  }

  @Test
  void balancingWithoutTheSharedWatchIsRefused() {
    assertRefused("leader.election.shared-watch=false", "leader.election.balance.enabled", "true", "shared-watch");
  }

  @Test
  void awaitingLeadershipOfABalancedElectionIsRefused() {
    assertRefused("leader.election.elections.billing.await-leadership=true",
        "leader.election.elections.billing.await-leadership", "true", "balancing election 'billing'");
    // Left out of the balanced ones, it may await.
    runner().withPropertyValues(NAMED).withPropertyValues("leader.election.balance.enabled=true",
        "leader.election.balance.elections=cache", "leader.election.elections.billing.await-leadership=true")
        .run(context -> assertThat(context).hasNotFailed());
  }

  private void assertRefused(String setting, String property, String value, String ruleFragment) {
    runner().withPropertyValues(NAMED).withPropertyValues("leader.election.balance.enabled=true", setting)
        .run(context -> {
          assertThat(context).hasFailed();
          FailureAnalysis analysis = analyze(context.getStartupFailure());
          assertThat(analysis.getDescription()).contains("Property: " + property).contains("Value: " + value)
              .contains(ruleFragment);
          assertThat(analysis.getAction()).contains(property);
        });
  }
}
