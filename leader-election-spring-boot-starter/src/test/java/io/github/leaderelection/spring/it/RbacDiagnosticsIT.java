package io.github.leaderelection.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.spring.TestRunners;
import io.github.leaderelection.spring.actuate.LeaderElectionHealthIndicator;
import io.github.leaderelection.spring.diagnostics.LeaseAccessDeniedException;
import io.github.leaderelection.testsupport.ApiServerHandle;
import io.github.leaderelection.testsupport.RealApiServer;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.apis.RbacAuthorizationV1Api;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.util.Yaml;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A restricted user (the service account {@code default/elector}) whose Role lacks a verb
 * gets one clear message with the Role and RoleBinding to apply: at startup, from the failure
 * analyzer, when {@code get} is missing; later, in one ERROR line, when {@code update} or
 * {@code watch} is missing.
 */
@RealApiServer
@ExtendWith(OutputCaptureExtension.class)
class RbacDiagnosticsIT {

  private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

  @AfterEach
  void closeAll() {
    contexts.forEach(ConfigurableApplicationContext::close);
  }

  @Test
  void refusedGetFailsStartupWithTheRoleToApplyAndThatRoleWorks(ApiServerHandle server, CapturedOutput output)
      throws Exception {
    String namespace = server.uniqueName("rbac-it");
    server.createNamespace(namespace);
    server.grantLeaseVerbsIn(namespace, "list", "watch", "create", "update");
    String lease = server.uniqueName("rbac-get");

    Throwable failure = catchThrowable(() -> start(server, namespace, lease, "rbac-a"));

    FailureAnalysis analysis = TestRunners.analyze(failure);
    assertThat(analysis.getDescription()).contains(
        "Lease: " + namespace + "/" + lease,
        "Refused: get leases (coordination.k8s.io) in namespace \"" + namespace + "\"",
        "User: " + server.restrictedUser());
    assertThat(analysis.getAction()).contains("kubectl apply -f -", "kind: Role", "kind: RoleBinding",
        "resourceNames: [\"" + lease + "\"]", "kind: ServiceAccount", "name: \"elector\"", "namespace: \"default\"");
    assertThat(output).contains("APPLICATION FAILED TO START", "Refused: get leases");

    // Applying exactly the YAML of the advice lets the same instance start and lead.
    String yaml = cause(failure, LeaseAccessDeniedException.class).getAdvice().yaml();
    assertThat(analysis.getAction()).contains(yaml);
    apply(server, namespace, yaml);
    CoordinationV1Api asRestricted = new CoordinationV1Api(server.restrictedClient());
    await().atMost(Duration.ofSeconds(10)).until(() -> readStatus(asRestricted, namespace, lease) == 404);
    ConfigurableApplicationContext context = start(server, namespace, lease, "rbac-a");
    await().atMost(Duration.ofSeconds(10)).until(() -> context.getBean(LeaderElection.class).isLeader());
  }

  @Test
  void refusedUpdateIsLoggedOnceWithTheRoleToApply(ApiServerHandle server, CapturedOutput output) throws Exception {
    server.grantLeaseVerbs("get", "list", "watch", "create");
    String lease = server.uniqueName("rbac-update");
    String lead = "Leader election for " + server.namespace() + "/" + lease + " is not permitted";

    // Startup passes (get is allowed); the lease is created, and the first renewal is refused.
    ConfigurableApplicationContext context = start(server, server.namespace(), lease, "rbac-b");
    await().atMost(Duration.ofSeconds(10)).until(() -> output.getOut().contains(lead));
    // Renewals are retried every second until the renew deadline (3s): still one line.
    Thread.sleep(1500);
    String out = output.getOut();
    assertThat(out.split(lead, -1)).as("ERROR lines with the advice").hasSize(2);
    String line = out.substring(out.indexOf(lead));
    assertThat(line).startsWith(lead + ": The Kubernetes API server refused to update leases (coordination.k8s.io)"
            + " in namespace \"" + server.namespace() + "\" for user \"" + server.restrictedUser() + "\"")
        .contains("kind: Role", "resourceNames: [\"" + lease + "\"]", "kind: RoleBinding",
            "kind: ServiceAccount", "name: \"elector\"", "namespace: \"default\"");
    String linePrefix = out.substring(out.lastIndexOf('\n', out.indexOf(lead)) + 1, out.indexOf(lead));
    assertThat(linePrefix).contains("ERROR");

    // Operators see it too: the API error meter, and the health contributor's last error.
    MeterRegistry registry = context.getBean(MeterRegistry.class);
    assertThat(registry.get("leader.election.api.errors")
        .tags("lease", lease, "operation", "renew", "status", "403").counter().count()).isPositive();
    assertThat(context.getBean(LeaderElectionHealthIndicator.class).health().getDetails())
        .extractingByKey("lastError", InstanceOfAssertFactories.STRING)
        .startsWith("The Kubernetes API server refused to update leases").doesNotContain("\n");
  }

  @Test
  void refusedWatchIsLoggedOnceAndTheElectionStillWorks(ApiServerHandle server, CapturedOutput output) {
    server.grantLeaseVerbs("get", "list", "create", "update");
    String lease = server.uniqueName("rbac-watch");
    ConfigurableApplicationContext context = start(server, server.namespace(), lease, "rbac-c");
    await().atMost(Duration.ofSeconds(10)).until(() -> context.getBean(LeaderElection.class).isLeader());
    await().atMost(Duration.ofSeconds(10)).until(() -> output.getOut().contains("cannot watch its lease"));
    assertThat(output.getOut()).contains("refused to watch leases (coordination.k8s.io) in namespace \""
        + server.namespace() + "\" for user \"" + server.restrictedUser() + "\"", "kind: RoleBinding");
    assertThat(output.getOut().split("cannot watch its lease", -1)).hasSize(2);
  }

  // --- helpers ------------------------------------------------------------------------------------

  private ConfigurableApplicationContext start(ApiServerHandle server, String namespace, String lease, String id) {
    ConfigurableApplicationContext context = OperationsApp.start(server.restrictedClient(), WebApplicationType.NONE,
        namespace, lease, id);
    contexts.add(context);
    return context;
  }

  private static void apply(ApiServerHandle server, String namespace, String yaml) throws Exception {
    RbacAuthorizationV1Api rbac = new RbacAuthorizationV1Api(server.adminClient());
    for (Object object : Yaml.loadAll(yaml)) {
      if (object instanceof V1Role role) {
        rbac.createNamespacedRole(namespace, role).execute();
      } else if (object instanceof V1RoleBinding binding) {
        rbac.createNamespacedRoleBinding(namespace, binding).execute();
      } else {
        throw new AssertionError("unexpected object in the advice: " + object);
      }
    }
  }

  private static <T extends Throwable> T cause(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in " + failure, failure);
  }

  private static int readStatus(CoordinationV1Api api, String namespace, String lease) {
    try {
      api.readNamespacedLease(lease, namespace).execute();
      return 200;
    } catch (ApiException e) {
      return e.getCode();
    }
  }
}
