package io.github.leaderelection.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.spring.LeaderElections;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** With no cluster and no kubeconfig, the sample runs as the only leader (mode auto). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"sample.cleanup.interval=100ms"})
class SampleApplicationTests {

  @Autowired
  LeaderElection election;

  @Autowired
  CleanupJob job;

  @LocalServerPort
  int port;

  @Test
  void livenessIncludesTheElectionAndTheLeaderEndpointAnswers() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String liveness = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
        + "/actuator/health/liveness")).build(), HttpResponse.BodyHandlers.ofString()).body();
    assertThat(liveness).contains("\"status\":\"UP\"");
    HttpResponse<String> leader = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
        + "/leader")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(leader.body()).contains("\"leader\":true");
    HttpResponse<String> stepDown = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
        + "/actuator/leader")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(stepDown.statusCode()).as("step down is off unless enabled").isNotEqualTo(200);
  }

  @Test
  void withoutAClusterItIsTheLeaderAndRunsTheJob() {
    assertThat(election.isLeader()).isTrue();
    assertThat(election.fencingToken()).isPresent();
    await().atMost(Duration.ofSeconds(10)).until(() -> job.runs() >= 3);
  }

  @Test
  void theNamedElectionsRunTheirJobAndTheirComponent(@Autowired LeaderElections elections,
      @Autowired InvoiceExportJob invoices, @Autowired PaymentsConsumer payments) throws Exception {
    assertThat(elections.names()).containsExactly("default", "billing", "reports", "payments");
    assertThat(elections.get("billing").status().leaseName()).isEqualTo("orders-service-billing");
    await().atMost(Duration.ofSeconds(15)).until(() -> invoices.runs() >= 1 && payments.polls() >= 1);
    assertThat(payments.isAutoStartup()).as("switched off: started by the election").isFalse();
    // Payments steps down: its consumer stops before the release.
    assertThat(elections.get("payments").stepDown().get(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(payments.isRunning()).isFalse();
  }
}
