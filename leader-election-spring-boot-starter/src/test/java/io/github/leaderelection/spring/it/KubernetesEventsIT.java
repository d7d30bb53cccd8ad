package io.github.leaderelection.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.testsupport.ApiServerHandle;
import io.github.leaderelection.testsupport.RealApiServer;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/** Kubernetes Events on the Lease ({@code leader.election.events.kubernetes.enabled}). */
@RealApiServer
@ExtendWith(OutputCaptureExtension.class)
class KubernetesEventsIT {

  private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

  @AfterEach
  void closeAll() {
    contexts.forEach(ConfigurableApplicationContext::close);
  }

  @Test
  void becameLeaderAndStoppedLeadingAreRecordedOnTheLease(ApiServerHandle server) throws Exception {
    String lease = server.uniqueName("events-it");
    // A client allowed to create events (the restricted user may only use leases).
    ConfigurableApplicationContext context = start(server.adminClient(), server, lease, "events-a", true);
    await().atMost(Duration.ofSeconds(10)).until(() -> context.getBean(LeaderElection.class).isLeader());
    long token = context.getBean(LeaderElection.class).fencingToken().getAsLong();
    context.close(); // the "stopped leading" of the shutdown is sent before the context is closed

    String uid = new CoordinationV1Api(server.adminClient()).readNamespacedLease(lease, server.namespace())
        .execute().getMetadata().getUid();
    List<CoreV1Event> events = events(server, lease);
    assertThat(events).extracting(CoreV1Event::getMessage)
        .containsExactly("events-a became leader (fencing token " + token + ")", "events-a stopped leading (SHUTDOWN)");
    assertThat(events).allSatisfy(e -> {
      assertThat(e.getType()).isEqualTo("Normal");
      assertThat(e.getReason()).isEqualTo("LeaderElection");
      assertThat(e.getInvolvedObject().getKind()).isEqualTo("Lease");
      assertThat(e.getInvolvedObject().getApiVersion()).isEqualTo("coordination.k8s.io/v1");
      assertThat(e.getInvolvedObject().getName()).isEqualTo(lease);
      assertThat(e.getInvolvedObject().getUid()).isEqualTo(uid); // so kubectl describe lease shows them
      assertThat(e.getReportingInstance()).isEqualTo("events-a");
    });
  }

  @Test
  void offByDefault(ApiServerHandle server) throws Exception {
    String lease = server.uniqueName("events-off-it");
    ConfigurableApplicationContext context = start(server.adminClient(), server, lease, "events-b", false);
    await().atMost(Duration.ofSeconds(10)).until(() -> context.getBean(LeaderElection.class).isLeader());
    context.close();
    assertThat(events(server, lease)).isEmpty();
  }

  @Test
  void refusedEventsAreLoggedOnceAndNeverAffectTheElection(ApiServerHandle server, CapturedOutput output) {
    String lease = server.uniqueName("events-refused-it");
    ConfigurableApplicationContext context = start(server.restrictedClient(), server, lease, "events-c", true);
    await().atMost(Duration.ofSeconds(10)).until(() -> context.getBean(LeaderElection.class).isLeader());
    await().atMost(Duration.ofSeconds(10)).until(() -> output.getOut().contains("Could not record Kubernetes event"));
    assertThat(context.getBean(LeaderElection.class).stepDown().join()).isTrue();
    context.close();
    assertThat(output.getOut()).contains("events-c became leader", "HTTP 403",
        "grant verb \"create\" on resource \"events\" in namespace \"" + server.namespace() + "\"",
        "Leader election is not affected");
    assertThat(output.getOut().split("Could not record Kubernetes event", -1)).hasSize(2);
  }

  private ConfigurableApplicationContext start(ApiClient client, ApiServerHandle server, String lease, String id,
      boolean events) {
    ConfigurableApplicationContext context = OperationsApp.start(client, WebApplicationType.NONE, server.namespace(),
        lease, id, "leader.election.events.kubernetes.enabled=" + events);
    contexts.add(context);
    return context;
  }

  private static List<CoreV1Event> events(ApiServerHandle server, String lease) throws Exception {
    return new CoreV1Api(server.adminClient()).listNamespacedEvent(server.namespace())
        .fieldSelector("involvedObject.name=" + lease).execute().getItems().stream()
        .sorted(Comparator.comparing(CoreV1Event::getFirstTimestamp)
            .thenComparing(e -> e.getMessage().contains("stopped") ? 1 : 0))
        .toList();
  }
}
