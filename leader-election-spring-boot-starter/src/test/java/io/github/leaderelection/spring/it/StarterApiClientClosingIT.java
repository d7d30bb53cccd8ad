package io.github.leaderelection.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.testsupport.ApiServerHandle;
import io.github.leaderelection.testsupport.RealApiServer;
import io.github.leaderelection.testsupport.TcpProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The ApiClient the starter builds from a kubeconfig is closed with the context: its
 * connection to the API server (one HTTP/2 connection, which OkHttp would keep idle for five
 * minutes) is gone when close() returns, seen from a proxy in front of the real server.
 */
@RealApiServer
class StarterApiClientClosingIT {

  @Test
  void closingTheContextClosesTheConnectionsOfTheClientTheStarterBuilt(ApiServerHandle server, @TempDir Path dir)
      throws Exception {
    TcpProxy proxy = server.newProxy();
    Path kubeconfig = server.writeRestrictedKubeconfig(dir.resolve("kubeconfig"));
    // Same server, certificate and token, reached through the proxy (TLS stays end to end).
    Files.writeString(kubeconfig, Files.readString(kubeconfig)
        .replace(server.url().toString(), "https://" + proxy.host() + ":" + proxy.port()));
    String lease = server.uniqueName("closing-it");

    ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
        .web(WebApplicationType.NONE).bannerMode(Banner.Mode.OFF)
        .properties("spring.application.name=" + lease, "spring.main.keep-alive=false",
            "leader.election.mode=kubernetes", "leader.election.namespace=" + server.namespace(),
            "leader.election.kubeconfig=" + kubeconfig,
            "leader.election.lease-duration=4s", "leader.election.renew-deadline=3s",
            "leader.election.retry-period=1s")
        .run();
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> context.getBean(LeaderElection.class).isLeader());
      assertThat(proxy.openConnections()).isPositive();
    } finally {
      context.close();
    }
    // Released on close (a GET and a PUT), then the pool is evicted: nothing stays open.
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(proxy.openConnections()).isZero());
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}
}
