package io.github.leaderelection.spring.election;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An invalid configuration stops a web application before its server listens: the beans that
 * validate are created, and the election starts, before the web server's lifecycle phase.
 */
class FailsBeforeTheWebServerStartsTests {

  @ParameterizedTest
  @ValueSource(strings = {"leader.election.mode=bogus", "leader.election.renew-deadline=20s",
      "leader.election.await-timeout=0s"})
  void invalidConfigurationFailsBeforeTheServerListens(String invalid) {
    AtomicBoolean serverStarted = new AtomicBoolean();
    SpringApplicationBuilder app = new SpringApplicationBuilder(WebApp.class).web(WebApplicationType.SERVLET)
        .listeners((ApplicationListener<WebServerInitializedEvent>) e -> serverStarted.set(true))
        .properties("server.port=0", "spring.application.name=orders", "leader.election.mode=always-leader",
            "spring.main.cloud-platform=none", "KUBECONFIG=", "KUBERNETES_SERVICE_HOST=", invalid);
    assertThatThrownBy(app::run).isNotNull();
    assertThat(serverStarted).as("the web server started").isFalse();
  }

  /** The same application, valid: the server starts (the test above is not vacuous), and no keep-alive thread. */
  @Test
  void validConfigurationStartsTheServerWithoutAKeepAliveThread() {
    AtomicBoolean serverStarted = new AtomicBoolean();
    try (ConfigurableApplicationContext context = new SpringApplicationBuilder(WebApp.class)
        .web(WebApplicationType.SERVLET)
        .listeners((ApplicationListener<WebServerInitializedEvent>) e -> serverStarted.set(true))
        .properties("server.port=0", "spring.application.name=orders-web", "leader.election.mode=always-leader",
            "spring.main.cloud-platform=none", "KUBECONFIG=", "KUBERNETES_SERVICE_HOST=")
        .run()) {
      assertThat(serverStarted).isTrue();
      assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
          .doesNotContain("leader-election-keep-alive-orders-web");
    }
  }

  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class WebApp {}
}
