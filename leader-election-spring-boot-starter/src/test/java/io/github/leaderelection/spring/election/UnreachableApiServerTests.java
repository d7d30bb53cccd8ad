package io.github.leaderelection.spring.election;

import static io.github.leaderelection.spring.TestRunners.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.leaderelection.spring.TestRunners;
import io.github.leaderelection.spring.actuate.LeaderElectionHealthAutoConfiguration;
import io.github.leaderelection.spring.actuate.LeaderElectionHealthIndicator;
import io.kubernetes.client.openapi.ApiClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** mode=kubernetes with an API server that does not answer (a closed port). */
class UnreachableApiServerTests {

  private static ApplicationContextRunner unreachable() {
    return runner().withConfiguration(AutoConfigurations.of(LeaderElectionHealthAutoConfiguration.class,
            HealthContributorAutoConfiguration.class))
        .withUserConfiguration(ClosedPortApiClient.class)
        .withPropertyValues("leader.election.mode=kubernetes", "leader.election.retry-period=1s",
            "leader.election.renew-deadline=2s", "leader.election.lease-duration=3s");
  }

  @Test
  void healthSaysNoContactWithTheLastErrorInsteadOfAQuietUp() {
    unreachable().run(context -> {
      assertThat(context).hasNotFailed();
      LeaderElectionHealthIndicator indicator = context.getBean(LeaderElectionHealthIndicator.class);
      await().atMost(Duration.ofSeconds(10)).until(() -> indicator.health().getDetails().containsKey("lastError"));
      Health health = indicator.health();
      assertThat(health.getStatus()).isNotEqualTo(Status.UP).isNotEqualTo(Status.DOWN);
      assertThat(health.getDetails()).containsEntry("state", "no-contact").containsKey("reason");
      assertThat((String) health.getDetails().get("reason")).contains("API server");
    });
  }

  @Test
  void failOnUnreachableStopsStartupNamingTheApiServer() {
    unreachable().withPropertyValues("leader.election.fail-on-unreachable=true").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().isNotNull();
      FailureAnalysis analysis = TestRunners.analyze(context.getStartupFailure());
      assertThat(analysis.getDescription()).contains("http://127.0.0.1:1", "test/orders");
      assertThat(analysis.getAction()).contains("leader.election.fail-on-unreachable");
    });
  }

  @Test
  void failOnUnreachableIsOffByDefault() {
    unreachable().run(context -> assertThat(context).hasNotFailed());
  }

  @Configuration(proxyBeanMethods = false)
  static class ClosedPortApiClient {
    @Bean
    ApiClient apiClient() {
      ApiClient client = new ApiClient();
      client.setBasePath("http://127.0.0.1:1");
      return client;
    }
  }
}
