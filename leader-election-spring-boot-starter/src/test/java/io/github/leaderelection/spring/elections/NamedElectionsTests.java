package io.github.leaderelection.spring.elections;

import static io.github.leaderelection.spring.TestRunners.analyze;
import static io.github.leaderelection.spring.TestRunners.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.leaderelection.core.ElectionStatus;
import io.github.leaderelection.core.LeaderElector;
import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.spring.LeaderElections;
import io.github.leaderelection.spring.LeaderOnly;
import io.github.leaderelection.spring.LeadershipEvent;
import io.github.leaderelection.spring.OnLeaderChangedEvent;
import io.github.leaderelection.spring.OnLeaderElectedEvent;
import io.github.leaderelection.spring.OnLeaderLostEvent;
import io.github.leaderelection.spring.election.ConfiguredLeaderElections;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/** Named elections: configuration, defaults, validation, the registry, events and @LeaderOnly("name"). */
class NamedElectionsTests {

  private static final String[] TWO = {"leader.election.elections.billing.lease-duration=30s",
      "leader.election.elections.billing.renew-deadline=20s", "leader.election.elections.cache.lease-name=warm-cache"};

  @Test
  void withoutNamedElectionsThereIsTheDefaultOnly() {
    runner().run(context -> {
      LeaderElections elections = context.getBean(LeaderElections.class);
      assertThat(elections.names()).containsExactly("default");
      assertThat(elections.get("default")).isSameAs(context.getBean(LeaderElection.class));
      assertThat(elections.get("")).isSameAs(context.getBean(LeaderElection.class));
    });
  }

  @Test
  void eachNamedElectionHasItsOwnLeaseAndInheritsWhatItDoesNotSet() {
    runner().withPropertyValues(TWO).withPropertyValues("leader.election.retry-period=3s").run(context -> {
      LeaderElections elections = context.getBean(LeaderElections.class);
      assertThat(elections.names()).containsExactly("default", "billing", "cache");
      ElectionStatus billing = elections.get("billing").status();
      assertThat(billing.leaseName()).isEqualTo("orders-billing"); // default lease name, '-', the name
      assertThat(billing.namespace()).isEqualTo("test");
      assertThat(elections.get("cache").status().leaseName()).isEqualTo("warm-cache");
      ConfiguredLeaderElections configured = context.getBean(ConfiguredLeaderElections.class);
      var config = configured.config("billing");
      assertThat(config.leaseDuration()).isEqualTo(Duration.ofSeconds(30));
      assertThat(config.renewDeadline()).isEqualTo(Duration.ofSeconds(20));
      assertThat(config.retryPeriod()).isEqualTo(Duration.ofSeconds(3)); // inherited
      // One candidate across elections: the same identity unless set.
      assertThat(config.identity()).isEqualTo(context.getBean(LeaderElector.class).config().identity());
      assertThat(configured.config("cache").leaseDuration()).isEqualTo(Duration.ofSeconds(15));
      // Always-leader here: every election leads, each on its own in-memory lease.
      await().atMost(10, TimeUnit.SECONDS).until(() -> elections.get("billing").isLeader()
          && elections.get("cache").isLeader());
    });
  }

  @Test
  void anUnknownNameIsRefusedWithTheKnownOnes() {
    runner().withPropertyValues(TWO).run(context -> assertThatThrownBy(() -> context.getBean(LeaderElections.class)
        .get("billnig")).isInstanceOf(LeaderElections.NoSuchElectionException.class)
        .hasMessageContaining("'billnig'").hasMessageContaining("default, billing, cache"));
  }

  @Test
  void anInvalidValueIsReportedWithTheElectionsPropertyPath() {
    runner().withPropertyValues("leader.election.elections.billing.renew-deadline=20s").run(context -> {
      assertThat(context).hasFailed();
      FailureAnalysis analysis = analyze(context.getStartupFailure());
      assertThat(analysis.getDescription()).contains("leader.election.elections.billing.renew-deadline")
          .contains("20s").contains("leader.election.elections.billing.lease-duration");
    });
  }

  @Test
  void anInheritedValueThatBreaksARuleSaysWhereItCameFrom() {
    runner().withPropertyValues("leader.election.elections.fast.lease-duration=5s").run(context -> {
      assertThat(context).hasFailed();
      FailureAnalysis analysis = analyze(context.getStartupFailure());
      assertThat(analysis.getDescription()).contains("leader.election.elections.fast.")
          .contains("not set for this election");
    });
  }

  @Test
  void anElectionNameMustBeALabelAndNotDefault() {
    runner().withPropertyValues("leader.election.elections.default.lease-duration=30s").run(context -> {
      assertThat(context).hasFailed();
      assertThat(analyze(context.getStartupFailure()).getDescription())
          .contains("leader.election.elections.default.").contains("reserved");
    });
    runner().withPropertyValues("leader.election.elections[Billing_Export].lease-duration=30s").run(context -> {
      assertThat(context).hasFailed();
      assertThat(analyze(context.getStartupFailure()).getDescription()).contains("Billing_Export")
          .contains("DNS-1123 label");
    });
  }

  @Test
  void eventsCarryTheElectionAndListenersFilterOnIt() {
    runner().withPropertyValues(TWO).withUserConfiguration(Listeners.class).run(context -> {
      Listeners listeners = context.getBean(Listeners.class);
      await().atMost(10, TimeUnit.SECONDS).until(() -> listeners.elected.size() == 3);
      assertThat(listeners.elected).extracting(LeadershipEvent::getElection)
          .containsExactlyInAnyOrder("default", "billing", "cache");
      assertThat(listeners.elected).allSatisfy(e -> assertThat(e.getLeaseName())
          .isEqualTo(context.getBean(LeaderElections.class).get(e.getElection()).status().leaseName()));
      await().atMost(10, TimeUnit.SECONDS).until(() -> listeners.billingOnly.size() == 1);
      assertThat(listeners.billingOnly.get(0).getElection()).isEqualTo("billing");
      await().atMost(10, TimeUnit.SECONDS).until(() -> listeners.changed.size() == 3);
      assertThat(listeners.changed).extracting(OnLeaderChangedEvent::getElection)
          .containsExactlyInAnyOrder("default", "billing", "cache");
      context.getBean(LeaderElections.class).get("billing").stepDown().get(10, TimeUnit.SECONDS);
      await().atMost(10, TimeUnit.SECONDS).until(() -> listeners.lost.size() == 1);
      assertThat(listeners.lost.get(0).getElection()).isEqualTo("billing");
      assertThat(listeners.lost.get(0).toString()).contains("election=billing");
    });
  }

  @Test
  void leaderOnlyGatesOnTheElectionItNames() {
    runner().withPropertyValues(TWO).withPropertyValues("leader.election.elections.billing.step-down-cooldown=60s")
        .withUserConfiguration(Jobs.class).run(context -> {
          assertThat(context).hasNotFailed();
          Jobs jobs = context.getBean(Jobs.class);
          LeaderElections elections = context.getBean(LeaderElections.class);
          await().atMost(10, TimeUnit.SECONDS).until(() -> elections.get("billing").isLeader());
          jobs.billing();
          jobs.any();
          assertThat(jobs.billingRuns()).isEqualTo(1);
          assertThat(jobs.defaultRuns()).isEqualTo(1);
          // Billing steps down (and stays out for the cool-down); the default election still leads.
          assertThat(elections.get("billing").stepDown().get(10, TimeUnit.SECONDS)).isTrue();
          jobs.billing();
          jobs.any();
          assertThat(jobs.billingRuns()).as("ran without billing's leadership").isEqualTo(1);
          assertThat(jobs.defaultRuns()).isEqualTo(2);
        });
  }

  @Test
  void leaderOnlyNamingAnUnknownElectionFailsStartupNamingTheMethodAndTheElections() {
    runner().withPropertyValues(TWO).withUserConfiguration(Typo.class).run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).hasMessageContaining("Typo.job")
          .hasMessageContaining("'biling'").hasMessageContaining("default, billing, cache");
    });
  }

  @Test
  void closingTheContextClosesEveryElection() {
    List<LeaderElection> seen = new CopyOnWriteArrayList<>();
    runner().withPropertyValues(TWO).run(context -> {
      LeaderElections elections = context.getBean(LeaderElections.class);
      await().atMost(10, TimeUnit.SECONDS).until(() -> elections.get("billing").isLeader());
      elections.names().forEach(n -> seen.add(elections.get(n)));
    });
    assertThat(seen).hasSize(3).allSatisfy(e -> assertThat(e.status().state()).isEqualTo(ElectionStatus.State.CLOSED));
  }

  @Configuration(proxyBeanMethods = false)
  static class Listeners {
    final List<OnLeaderElectedEvent> elected = new CopyOnWriteArrayList<>();
    final List<OnLeaderElectedEvent> billingOnly = new CopyOnWriteArrayList<>();
    final List<OnLeaderLostEvent> lost = new CopyOnWriteArrayList<>();
    final List<OnLeaderChangedEvent> changed = new CopyOnWriteArrayList<>();

    @EventListener
    void elected(OnLeaderElectedEvent e) {
      elected.add(e);
    }

    @EventListener(condition = "#event.election == 'billing'")
    void billingElected(OnLeaderElectedEvent event) {
      billingOnly.add(event);
    }

    @EventListener
    void lost(OnLeaderLostEvent e) {
      lost.add(e);
    }

    @EventListener
    void changed(OnLeaderChangedEvent e) {
      changed.add(e);
    }
  }

  static class Jobs {
    final AtomicInteger billingRuns = new AtomicInteger();
    final AtomicInteger defaultRuns = new AtomicInteger();

    @LeaderOnly("billing")
    public void billing() {
      billingRuns.incrementAndGet();
    }

    @LeaderOnly
    public void any() {
      defaultRuns.incrementAndGet();
    }

    public int billingRuns() {
      return billingRuns.get();
    }

    public int defaultRuns() {
      return defaultRuns.get();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class JobsConfig {
    @Bean
    Jobs jobs() {
      return new Jobs();
    }
  }

  static class Typo {
    @LeaderOnly("biling")
    public void job() {}
  }
}
