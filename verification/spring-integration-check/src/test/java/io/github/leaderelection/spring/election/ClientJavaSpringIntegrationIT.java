package io.github.leaderelection.spring.election;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.testsupport.ApiServerHandle;
import io.github.leaderelection.testsupport.RealApiServer;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * With client-java-spring-integration on the classpath and the real API server in
 * the file of KUBECONFIG (which failsafe sets for this JVM), the election elects through that
 * project's {@code defaultApiClient} bean, built by {@code ClientBuilder.defaultClient()}.
 */
@RealApiServer
class ClientJavaSpringIntegrationIT {

  private ConfigurableApplicationContext context;

  @AfterEach
  void close() throws Exception {
    if (context != null) {
      context.close();
    }
    Files.deleteIfExists(Path.of(System.getenv("KUBECONFIG")));
  }

  @Test
  void theElectionUsesItsApiClientBean(ApiServerHandle server) throws Exception {
    // ClientBuilder reads KUBECONFIG when the bean is created, so the file may come now.
    server.writeRestrictedKubeconfig(Path.of(System.getenv("KUBECONFIG")));
    String lease = server.uniqueName("spring-integration");

    context = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).bannerMode(Banner.Mode.OFF)
        .properties("spring.application.name=" + lease, "spring.main.keep-alive=false",
            "leader.election.mode=kubernetes", "leader.election.namespace=" + server.namespace(),
            "leader.election.identity=with-spring-integration",
            "leader.election.lease-duration=4s", "leader.election.renew-deadline=3s",
            "leader.election.retry-period=1s")
        .run();

    ApiClient theirs = context.getBean("defaultApiClient", ApiClient.class);
    assertThat(theirs.getBasePath()).isEqualTo(server.url().toString());
    ElectionApiClient election = context.getBean(ElectionApiClient.class);
    assertThat(election.get()).isSameAs(theirs);
    assertThat(election.isBuiltByStarter()).isFalse();

    await().atMost(Duration.ofSeconds(20)).until(() -> context.getBean(LeaderElection.class).isLeader());
    var spec = new CoordinationV1Api(server.adminClient()).readNamespacedLease(lease, server.namespace())
        .execute().getSpec();
    assertThat(spec.getHolderIdentity()).isEqualTo("with-spring-integration");
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}
}
