package io.github.leaderelection.spring.it;

import io.github.leaderelection.spring.LeaderOnly;
import io.kubernetes.client.openapi.ApiClient;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The application of the operations ITs: the starter with everything the classpath offers
 * (actuator, health, Micrometer), a {@code @LeaderOnly} job, short timings (4s lease, 3s renew
 * deadline, 1s retry period), talking to the real API server through the given client.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@EnableScheduling
@Import(OperationsApp.Job.class)
class OperationsApp {

  static final int LEASE_DURATION_SECONDS = 4;

  /** Starts an instance; {@code properties} add to or override the defaults. */
  static ConfigurableApplicationContext start(ApiClient client, WebApplicationType web, String namespace,
      String lease, String identity, String... properties) {
    List<String> all = new ArrayList<>(List.of(
        "spring.application.name=operations-it",
        "logging.level.root=WARN",
        "logging.level.io.github.leaderelection=INFO",
        "server.port=0",
        "leader.election.mode=kubernetes",
        "leader.election.lease-name=" + lease,
        "leader.election.namespace=" + namespace,
        "leader.election.identity=" + identity,
        "leader.election.lease-duration=" + LEASE_DURATION_SECONDS + "s",
        "leader.election.renew-deadline=3s",
        "leader.election.retry-period=1s"));
    all.addAll(List.of(properties));
    return new SpringApplicationBuilder(OperationsApp.class)
        .web(web)
        .bannerMode(Banner.Mode.OFF)
        .logStartupInfo(false)
        .initializers(c -> ((GenericApplicationContext) c).registerBean(ApiClient.class, () -> client))
        .properties(all.toArray(String[]::new))
        .run();
  }

  static class Job {
    @Scheduled(fixedDelay = 50)
    @LeaderOnly
    public void run() {}
  }
}
