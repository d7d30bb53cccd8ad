package io.github.leaderelection.spring.election;

import static io.github.leaderelection.spring.TestRunners.runner;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.leaderelection.core.ElectionStatus;
import io.github.leaderelection.core.LossReason;
import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.spring.OnLeaderElectedEvent;
import io.github.leaderelection.spring.OnLeaderLostEvent;
import io.github.leaderelection.spring.actuate.LeaderElectionHealthAutoConfiguration;
import io.github.leaderelection.spring.actuate.LeaderElectionHealthIndicator;
import io.github.leaderelection.spring.actuate.LeaderEndpoint;
import io.github.leaderelection.spring.actuate.LeaderEndpointAutoConfiguration;
import io.github.leaderelection.spring.LeaderOnly;
import io.github.leaderelection.spring.metrics.LeaderElectionMetricsAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/**
 * {@code context.stop()} then {@code context.start()} (what Spring's test context cache does
 * when it pauses and restarts a context): the election starts again as a new term, and
 * everything that reads it follows.
 */
class LeaderElectionRestartTests {

  @Test
  void stoppedContextStartsAgainAsANewTermAndEverythingFollows() {
    runner().withConfiguration(AutoConfigurations.of(LeaderElectionHealthAutoConfiguration.class,
            HealthContributorAutoConfiguration.class,
            LeaderEndpointAutoConfiguration.class, MetricsAutoConfiguration.class,
            LeaderElectionMetricsAutoConfiguration.class))
        .withUserConfiguration(Recorder.class)
        .withPropertyValues("leader.election.mode=always-leader", "management.endpoints.web.exposure.include=leader")
        .run(context -> {
          LeaderElection election = context.getBean(LeaderElection.class);
          Recorder recorder = context.getBean(Recorder.class);
          Work work = context.getBean(Work.class);
          MeterRegistry registry = context.getBean(MeterRegistry.class);
          long firstToken = election.fencingToken().orElseThrow();
          assertThat(work.run()).isTrue();

          context.stop();
          assertThat(election.isLeader()).isFalse();
          assertThat(work.run()).as("@LeaderOnly skipped while stopped").isFalse();
          assertThat(recorder.events).containsExactly("elected", "lost:" + LossReason.SHUTDOWN);
          assertThat(context.getBean(LeaderElectionLifecycle.class).isRunning()).isFalse();

          context.start();
          assertThat(election.awaitLeadership(java.time.Duration.ofSeconds(5))).isTrue();
          assertThat(election.status().state()).isEqualTo(ElectionStatus.State.RUNNING);
          assertThat(election.fencingToken().orElseThrow()).as("a new term").isGreaterThan(firstToken);
          assertThat(work.run()).as("@LeaderOnly runs again").isTrue();
          assertThat(context.getBean(LeaderElectionHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
          assertThat(context.getBean(LeaderElectionHealthIndicator.class).health().getDetails())
              .containsEntry("state", "leader");
          assertThat(context.getBean(LeaderEndpoint.class).leader().state()).isEqualTo("leader");
          assertThat(registry.get("leader.election.leader").gauge().value()).isEqualTo(1.0);
          assertThat(registry.get("leader.election.transitions").counter().count())
              .as("the metrics observer is on the new elector").isEqualTo(2.0);
          org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
              .until(() -> recorder.events.size() == 3);
          assertThat(recorder.events).containsExactly("elected", "lost:" + LossReason.SHUTDOWN, "elected");

          // and once more, to be sure a restarted election stops and starts like the first one
          context.stop();
          assertThat(election.isLeader()).isFalse();
          context.start();
          assertThat(election.awaitLeadership(java.time.Duration.ofSeconds(5))).isTrue();
        });
  }

  @Test
  void neverLeaderStopsAndStartsWithoutCompeting() {
    runner().withPropertyValues("leader.election.mode=never-leader").run(context -> {
      context.stop();
      context.start();
      LeaderElection election = context.getBean(LeaderElection.class);
      assertThat(election.isLeader()).isFalse();
      assertThat(context.getBean(LeaderElectionLifecycle.class).isRunning()).isTrue();
    });
  }

  @Configuration(proxyBeanMethods = false)
  static class Recorder {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Bean
    SimpleMeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }

    @Bean
    Work work() {
      return new Work();
    }

    @EventListener
    void elected(OnLeaderElectedEvent e) {
      events.add("elected");
    }

    @EventListener
    void lost(OnLeaderLostEvent e) {
      events.add("lost:" + e.getReason());
    }
  }

  static class Work {
    @LeaderOnly
    public boolean run() {
      return true;
    }
  }
}
