package io.github.leaderelection.spring.election;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.leaderelection.core.InMemoryLeaseStore;
import io.github.leaderelection.core.LeaseStore;
import io.kubernetes.client.openapi.ApiClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/**
 * The starter next to io.kubernetes:client-java-spring-integration 20.0.0 on Boot 4, with no
 * Kubernetes configuration at all (surefire gives this JVM no KUBECONFIG and an empty HOME):
 * its {@code defaultApiClient} then points at client-java's fallback, http://localhost:8080.
 */
class ClientJavaSpringIntegrationTests {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withUserConfiguration(App.class)
      .withPropertyValues("spring.application.name=orders", "leader.election.namespace=test",
          "spring.main.cloud-platform=none");

  @BeforeAll
  static void noConfigurationAnywhere() {
    assertThat(System.getenv("KUBECONFIG")).isNull();
    assertThat(Path.of(System.getenv("HOME"), ".kube", "config")).doesNotExist();
    assertThat(Files.exists(Path.of(System.getProperty("user.home"), ".kube", "config"))).isFalse();
  }

  @Test
  void itsAutoConfigurationDefinesTheFallbackClient() {
    runner.withPropertyValues("leader.election.mode=always-leader").run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).hasBean("defaultApiClient");
      assertThat(context.getBean(ApiClient.class).getBasePath()).isEqualTo("http://localhost:8080");
    });
  }

  @Test
  void itsFallbackToLocalhost8080DoesNotHideThatNoApiServerIsConfigured() {
    runner.withPropertyValues("leader.election.mode=kubernetes").run(context -> {
      assertThat(context).hasFailed();
      Throwable root = context.getStartupFailure();
      while (root.getCause() != null) {
        root = root.getCause();
      }
      assertThat(root).hasMessageContaining("No Kubernetes API server configured for leader election")
          .hasMessageContaining("defaultApiClient")
          .hasMessageContaining("http://localhost:8080")
          .hasMessageContaining("leader.election.mode=always-leader");
    });
  }

  @Test
  void inModeAutoWithoutKubernetesTheElectionStillRunsAlone() {
    runner.run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(LeaseStore.class)).isInstanceOf(InMemoryLeaseStore.class);
    });
  }

  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class App {}
}
