package io.github.leaderelection.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.testsupport.ApiServerHandle;
import io.github.leaderelection.testsupport.RealApiServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The actuator and the meters of two instances on a real API server, over HTTP: the health
 * contributor and probe groups, the {@code leader} endpoint with its step-down (write access
 * only where enabled), and meters that follow the handover.
 */
@RealApiServer
class OperationsIT {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

  @AfterEach
  void closeAll() {
    contexts.forEach(ConfigurableApplicationContext::close);
  }

  @Test
  void endpointStepDownHandsOverAndMetersAndHealthFollow(ApiServerHandle server) throws Exception {
    String lease = server.uniqueName("operations-it");
    // a may step down over HTTP; b has the default, read-only access.
    ConfigurableApplicationContext a = start(server, lease, "ops-a", "management.endpoint.leader.access=unrestricted");
    await().atMost(Duration.ofSeconds(15)).until(() -> election(a).isLeader());
    ConfigurableApplicationContext b = start(server, lease, "ops-b");
    await().atMost(Duration.ofSeconds(10)).until(() -> election(b).currentHolder().equals(Optional.of("ops-a")));

    // Health: UP on both, with state and holder; in the liveness group, not in readiness.
    JsonObject healthA = get(a, "/actuator/health/leaderElection");
    assertThat(healthA.get("status").getAsString()).isEqualTo("UP");
    JsonObject detailsA = healthA.getAsJsonObject("details");
    assertThat(detailsA.get("state").getAsString()).isEqualTo("leader");
    assertThat(detailsA.get("holder").getAsString()).isEqualTo("ops-a");
    assertThat(detailsA.get("lease").getAsString()).isEqualTo(server.namespace() + "/" + lease);
    assertThat(detailsA.has("lastRenewal")).isTrue();
    JsonObject detailsB = get(b, "/actuator/health/leaderElection").getAsJsonObject("details");
    assertThat(detailsB.get("state").getAsString()).isEqualTo("follower");
    assertThat(detailsB.get("holder").getAsString()).isEqualTo("ops-a");
    assertThat(get(b, "/actuator/health/liveness").getAsJsonObject("components").keySet())
        .containsExactlyInAnyOrder("livenessState", "leaderElection");
    assertThat(get(b, "/actuator/health/readiness").toString()).doesNotContain("leaderElection");

    // The endpoint reads the election.
    JsonObject leaderB = get(b, "/actuator/leader");
    assertThat(leaderB.get("holder").getAsString()).isEqualTo("ops-a");
    assertThat(leaderB.get("identity").getAsString()).isEqualTo("ops-b");
    assertThat(leaderB.get("state").getAsString()).isEqualTo("follower");
    assertThat(leaderB.has("fencingToken")).as("null fields are left out or null").satisfiesAnyOf(
        has -> assertThat(has).isFalse(), has -> assertThat(leaderB.get("fencingToken").isJsonNull()).isTrue());
    assertThat(leaderB.get("acquireTime").getAsString()).isNotBlank();
    JsonObject configuration = leaderB.getAsJsonObject("configuration");
    assertThat(configuration.get("leaseName").getAsString()).isEqualTo(lease);
    assertThat(configuration.get("namespace").getAsString()).isEqualTo(server.namespace());
    assertThat(configuration.get("mode").getAsString()).isEqualTo("kubernetes");
    assertThat(configuration.get("leaseDuration").getAsString()).isEqualTo("4s");
    assertThat(configuration.get("renewDeadline").getAsString()).isEqualTo("3s");
    assertThat(configuration.get("retryPeriod").getAsString()).isEqualTo("1s");
    long tokenOfA = get(a, "/actuator/leader").get("fencingToken").getAsLong();

    // Meters before the handover.
    await().atMost(Duration.ofSeconds(5)).until(() -> invocations(a, "executed") > 0 && invocations(b, "skipped") > 0);
    assertThat(gauge(a, lease)).isEqualTo(1.0);
    assertThat(gauge(b, lease)).isZero();
    assertThat(transitions(a, lease)).isEqualTo(1.0);
    assertThat(transitions(b, lease)).isZero();
    assertThat(activeTerms(a, lease)).isEqualTo(1);
    assertThat(invocations(b, "executed")).isZero();

    // Read-only access: b's write operation does not exist.
    assertThat(post(b, "/actuator/leader").statusCode()).isEqualTo(405);
    assertThat(election(a).isLeader()).isTrue();

    // a steps down over HTTP; b takes over on the release, well before the lease would expire.
    long stepDownStart = System.nanoTime();
    HttpResponse<String> stepDown = post(a, "/actuator/leader");
    assertThat(stepDown.statusCode()).isEqualTo(200);
    assertThat(JsonParser.parseString(stepDown.body()).getAsJsonObject().get("released").getAsBoolean()).isTrue();
    await().atMost(Duration.ofSeconds(OperationsApp.LEASE_DURATION_SECONDS)).pollInterval(Duration.ofMillis(20))
        .until(() -> election(b).isLeader());
    assertThat(Duration.ofNanos(System.nanoTime() - stepDownStart))
        .isLessThan(Duration.ofSeconds(OperationsApp.LEASE_DURATION_SECONDS).dividedBy(2));
    assertThat(election(a).isLeader()).isFalse();

    // Meters and endpoint after the handover.
    assertThat(gauge(a, lease)).isZero();
    assertThat(gauge(b, lease)).isEqualTo(1.0);
    assertThat(transitions(a, lease)).isEqualTo(1.0);
    assertThat(transitions(b, lease)).isEqualTo(1.0);
    assertThat(activeTerms(a, lease)).isZero();
    assertThat(activeTerms(b, lease)).isEqualTo(1);
    assertThat(registry(b).get("leader.election.acquisitions").tag("lease", lease).timer().count()).isEqualTo(1);
    assertThat(registry(a).get("leader.election.renewals").tags("lease", lease, "outcome", "success").timer().count())
        .isPositive();
    await().atMost(Duration.ofSeconds(5)).until(() -> invocations(b, "executed") > 0);
    JsonObject leaderA = get(a, "/actuator/leader");
    assertThat(leaderA.get("state").getAsString()).isEqualTo("follower");
    await().atMost(Duration.ofSeconds(5)).until(() -> election(a).currentHolder().equals(Optional.of("ops-b")));
    assertThat(get(a, "/actuator/leader").get("holder").getAsString()).isEqualTo("ops-b");
    assertThat(get(b, "/actuator/leader").get("fencingToken").getAsLong()).isGreaterThan(tokenOfA); // rule 6
    assertThat(get(b, "/actuator/health/leaderElection").getAsJsonObject("details").get("state").getAsString())
        .isEqualTo("leader");
  }

  @Test
  void aNamedElectionIsReadAndSteppedDownOverHttpAndBalancingShowsOnTheEndpoint(ApiServerHandle server)
      throws Exception {
    String lease = server.uniqueName("operations-named");
    String[] named = {"management.endpoint.leader.access=unrestricted",
        "leader.election.elections.billing.lease-duration=" + OperationsApp.LEASE_DURATION_SECONDS + "s",
        "leader.election.balance.enabled=true"};
    ConfigurableApplicationContext a = start(server, lease, "ops-a", named);
    await().atMost(Duration.ofSeconds(15)).until(() -> elections(a).get("billing").isLeader()
        && elections(a).get("default").isLeader());
    ConfigurableApplicationContext b = start(server, lease, "ops-b", named);
    // Balanced: one election each, once b is a member and a has released its surplus.
    await().atMost(Duration.ofSeconds(60)).until(() -> elections(a).get("billing").isLeader()
        != elections(a).get("default").isLeader() && elections(b).get("billing").isLeader()
        != elections(b).get("default").isLeader());
    // The endpoint shows the plan of the balancer's last round (every quarter of a hold-back).
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonObject balance = get(a, "/actuator/leader").getAsJsonObject("balance");
      assertThat(balance.get("group").getAsString()).isEqualTo(lease);
      assertThat(balance.getAsJsonArray("members").toString()).contains("ops-a").contains("ops-b");
      assertThat(balance.get("quota").getAsInt()).isEqualTo(1);
      assertThat(balance.get("leads").getAsInt()).isEqualTo(1);
    });

    ConfigurableApplicationContext billingLeader = elections(a).get("billing").isLeader() ? a : b;
    ConfigurableApplicationContext other = billingLeader == a ? b : a;
    JsonObject billing = get(other, "/actuator/leader/billing");
    assertThat(billing.get("holder").getAsString())
        .isEqualTo(billingLeader == a ? "ops-a" : "ops-b");
    assertThat(billing.getAsJsonObject("configuration").get("leaseName").getAsString()).isEqualTo(lease + "-billing");
    assertThat(http.send(HttpRequest.newBuilder(uri(other, "/actuator/leader/nope")).GET().build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).as("an unknown election").isEqualTo(404);

    HttpResponse<String> stepDown = post(billingLeader, "/actuator/leader/billing");
    assertThat(stepDown.statusCode()).isEqualTo(200);
    assertThat(JsonParser.parseString(stepDown.body()).getAsJsonObject().get("released").getAsBoolean()).isTrue();
    assertThat(elections(billingLeader).get("billing").isLeader()).isFalse();
    // The other instance takes billing on the release; the default election did not move.
    await().atMost(Duration.ofSeconds(OperationsApp.LEASE_DURATION_SECONDS)).pollInterval(Duration.ofMillis(20))
        .until(() -> elections(other).get("billing").isLeader());
  }

  // --- helpers ------------------------------------------------------------------------------------

  private static io.github.leaderelection.spring.LeaderElections elections(ConfigurableApplicationContext c) {
    return c.getBean(io.github.leaderelection.spring.LeaderElections.class);
  }

  private ConfigurableApplicationContext start(ApiServerHandle server, String lease, String identity,
      String... properties) {
    List<String> all = new ArrayList<>(List.of(
        "management.endpoints.web.exposure.include=health,leader",
        "management.endpoint.health.show-details=always",
        "management.endpoint.health.show-components=always",
        "management.endpoint.health.probes.enabled=true",
        "management.endpoint.health.group.liveness.include=livenessState,leaderElection"));
    all.addAll(List.of(properties));
    ConfigurableApplicationContext context = OperationsApp.start(server.restrictedClient(),
        WebApplicationType.SERVLET, server.namespace(), lease, identity, all.toArray(String[]::new));
    contexts.add(context);
    return context;
  }

  private static LeaderElection election(ConfigurableApplicationContext context) {
    return context.getBean(LeaderElection.class);
  }

  private static MeterRegistry registry(ConfigurableApplicationContext context) {
    return context.getBean(MeterRegistry.class);
  }

  private static double gauge(ConfigurableApplicationContext context, String lease) {
    return registry(context).get("leader.election.leader").tag("lease", lease).gauge().value();
  }

  private static double transitions(ConfigurableApplicationContext context, String lease) {
    return registry(context).get("leader.election.transitions").tag("lease", lease).counter().count();
  }

  private static int activeTerms(ConfigurableApplicationContext context, String lease) {
    return registry(context).get("leader.election.leadership").tag("lease", lease).longTaskTimer().activeTasks();
  }

  private static double invocations(ConfigurableApplicationContext context, String outcome) {
    var counter = registry(context).find("leader.only.invocations")
        .tags("method", "OperationsApp.Job.run", "outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  private JsonObject get(ConfigurableApplicationContext context, String path) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(context, path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }

  private HttpResponse<String> post(ConfigurableApplicationContext context, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(context, path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(ConfigurableApplicationContext context, String path) {
    return URI.create("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port") + path);
  }
}
