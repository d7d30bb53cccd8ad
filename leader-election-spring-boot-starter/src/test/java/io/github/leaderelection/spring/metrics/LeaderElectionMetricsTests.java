package io.github.leaderelection.spring.metrics;

import static io.github.leaderelection.spring.TestRunners.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.leaderelection.core.ElectionObserver;
import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.spring.LeaderOnly;
import io.kubernetes.client.openapi.ApiClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/** The election's meters: when they exist, and that they follow leadership. */
class LeaderElectionMetricsTests {

  /** With Spring Boot's metrics auto-configuration, which binds MeterBinder beans to the registry. */
  private static ApplicationContextRunner metrics() {
    return runner().withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
            LeaderElectionMetricsAutoConfiguration.class))
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new);
  }

  @Test
  void metersExistWithLazyInitialization() {
    // What spring.main.lazy-initialization=true does in SpringApplication; the context runner
    // does not read that property itself.
    metrics().withPropertyValues("spring.main.lazy-initialization=true")
        .withInitializer(context -> context.addBeanFactoryPostProcessor(new LazyInitializationBeanFactoryPostProcessor()))
        .withUserConfiguration(Job.class)
        .run(context -> {
          assertThat(context).hasNotFailed();
          MeterRegistry registry = context.getBean(MeterRegistry.class);
          await().atMost(Duration.ofSeconds(5)).until(() -> context.getBean(LeaderElection.class).isLeader());
          assertThat(registry.find("leader.election.leader").tag("lease", "orders").gauge())
              .as("leader.election.leader").isNotNull()
              .satisfies(g -> assertThat(g.value()).isEqualTo(1.0));
          assertThat(registry.find("leader.election.transitions").counter()).isNotNull();
          context.getBean(Job.class).work();
          assertThat(registry.find("leader.only.invocations")
              .tags("method", "LeaderElectionMetricsTests.Job.work", "outcome", "executed").counter())
              .as("leader.only.invocations").isNotNull()
              .satisfies(c -> assertThat(c.count()).isEqualTo(1.0));
        });
  }

  @Test
  void metersFollowLeadership() {
    metrics().run(context -> {
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      LeaderElection election = context.getBean(LeaderElection.class);
      assertThat(registry.get("leader.election.leader").tag("lease", "orders").gauge().value()).isEqualTo(1.0);
      assertThat(registry.get("leader.election.transitions").tag("lease", "orders").counter().count()).isEqualTo(1.0);
      assertThat(registry.get("leader.election.acquisitions").tag("lease", "orders").timer().count()).isEqualTo(1);
      assertThat(registry.get("leader.election.renewals").tags("lease", "orders", "outcome", "success").timer()
          .count()).isPositive();
      assertThat(registry.get("leader.election.renewals").tags("lease", "orders", "outcome", "failure").timer()
          .count()).isZero();
      assertThat(registry.get("leader.election.leadership").tag("lease", "orders").longTaskTimer().activeTasks())
          .isEqualTo(1);

      assertThat(election.stepDown().get()).isTrue();

      assertThat(registry.get("leader.election.leader").gauge().value()).isZero();
      assertThat(registry.get("leader.election.leadership").longTaskTimer().activeTasks()).isZero();
      assertThat(registry.get("leader.election.transitions").counter().count()).isEqualTo(1.0);
    });
  }

  @Test
  void leaderOnlyCallsAreCountedPerMethodAndOutcome() {
    metrics().withUserConfiguration(Job.class).run(context -> {
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      Job job = context.getBean(Job.class);
      job.work();
      job.work();
      assertThat(registry.get("leader.only.invocations")
          .tags("lease", "orders", "method", "LeaderElectionMetricsTests.Job.work", "outcome", "executed").counter().count()).isEqualTo(2.0);
      context.getBean(LeaderElection.class).stepDown().get();
      job.work();
      assertThat(registry.get("leader.only.invocations")
          .tags("lease", "orders", "method", "LeaderElectionMetricsTests.Job.work", "outcome", "skipped").counter().count()).isEqualTo(1.0);
    });
  }

  @Test
  void failedRequestsAreCountedByOperationAndStatus() {
    metrics().withBean(ApiClient.class, () -> new ApiClient().setBasePath("http://127.0.0.1:1"))
        .withPropertyValues("leader.election.mode=kubernetes", "leader.election.retry-period=1s",
            "leader.election.renew-deadline=2s", "leader.election.lease-duration=3s")
        .run(context -> {
          MeterRegistry registry = context.getBean(MeterRegistry.class);
          // Nothing listens on port 1: every read fails without a response.
          await().atMost(Duration.ofSeconds(10)).until(() -> registry.find("leader.election.api.errors")
              .tags("lease", "orders", "operation", "get", "status", "none").counter() != null);
          assertThat(registry.get("leader.election.leader").gauge().value()).isZero();
        });
  }

  @Test
  void aLostRaceIsNotAnApiError() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ElectionMetricsObserver observer = new ElectionMetricsObserver(registry, "orders");
    observer.apiError("acquire", 409);
    assertThat(registry.find("leader.election.api.errors").counters()).isEmpty();
    observer.apiError("renew", 404);
    assertThat(registry.get("leader.election.api.errors").tags("operation", "renew", "status", "404").counter().count())
        .isEqualTo(1.0);
  }

  @Test
  void theElectorTakesEveryObserverInOrder() {
    metrics().withUserConfiguration(Observers.class).run(context -> {
      List<String> calls = context.getBean(Observers.class).calls;
      assertThat(calls).containsExactly("first", "second");
      // The metrics observer is among them.
      assertThat(context.getBean(MeterRegistry.class).get("leader.election.transitions").counter().count())
          .isEqualTo(1.0);
    });
  }

  @Test
  void offWithoutRegistryOrMicrometerOrElection() {
    runner().withConfiguration(AutoConfigurations.of(LeaderElectionMetricsAutoConfiguration.class))
        .run(context -> assertThat(context).doesNotHaveBean(ElectionMetricsObserver.class));
    metrics().withPropertyValues("leader.election.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(ElectionMetricsObserver.class)
            .doesNotHaveBean(LeaderElectionGauge.class).doesNotHaveBean(LeaderOnlyMetrics.class));
    runner().withConfiguration(AutoConfigurations.of(LeaderElectionMetricsAutoConfiguration.class))
        .withClassLoader(new FilteredClassLoader(MeterRegistry.class))
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).doesNotHaveBean(ElectionMetricsObserver.class);
        });
  }

  @Test
  void userBeansWin() {
    ElectionMetricsObserver mine = new ElectionMetricsObserver(new SimpleMeterRegistry(), "mine");
    metrics().withBean("mine", ElectionMetricsObserver.class, () -> mine)
        .run(context -> assertThat(context).getBean(ElectionMetricsObserver.class).isSameAs(mine));
  }

  @Configuration(proxyBeanMethods = false)
  static class Job {
    @LeaderOnly
    public void work() {}
  }

  @Configuration(proxyBeanMethods = false)
  static class Observers {
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Bean
    @Order(2)
    ElectionObserver second() {
      return new ElectionObserver() {
        @Override
        public void acquired(LeadershipTerm term, Duration sinceCandidacy) {
          calls.add("second");
        }
      };
    }

    @Bean
    @Order(1)
    ElectionObserver first() {
      return new ElectionObserver() {
        @Override
        public void acquired(LeadershipTerm term, Duration sinceCandidacy) {
          calls.add("first");
        }
      };
    }
  }
}
