package io.github.leaderelection.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.Ticker;
import io.github.leaderelection.core.balance.LeaseMembership;
import io.github.leaderelection.core.KubernetesLeaseStore;
import io.github.leaderelection.core.SharedLeaseWatch;
import io.github.leaderelection.core.LeaderElector;
import io.github.leaderelection.testsupport.ApiServerHandle;
import io.github.leaderelection.testsupport.RealApiServer;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.RbacAuthorizationV1Api;
import io.kubernetes.client.openapi.models.RbacV1Subject;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.util.Yaml;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The manifests in sample-app/k8s against the real API server: every one passes a server-side
 * dry run (schema, names, references), and the least-privilege Role is enough to elect.
 */
@RealApiServer
class ManifestsIT {

  private static final Path K8S = Path.of("k8s");

  private final ApiServerHandle server;

  ManifestsIT(ApiServerHandle server) {
    this.server = server;
  }

  @Test
  void everyManifestListedByTheKustomizationPassesAServerSideDryRun() throws Exception {
    ApiClient admin = server.adminClient();
    String ns = server.uniqueName("manifests");
    new CoreV1Api(admin).createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(ns))).execute();

    List<String> resources = kustomizationResources();
    assertThat(resources).containsExactlyInAnyOrder(
        "serviceaccount.yaml", "role.yaml", "rolebinding.yaml", "deployment.yaml");
    for (String file : resources) {
      Object manifest = Yaml.load(K8S.resolve(file).toFile());
      String dryRun = "All";
      Object created;
      if (manifest instanceof V1ServiceAccount sa) {
        created = new CoreV1Api(admin).createNamespacedServiceAccount(ns, sa).dryRun(dryRun).execute();
      } else if (manifest instanceof V1Role role) {
        created = new RbacAuthorizationV1Api(admin).createNamespacedRole(ns, role).dryRun(dryRun).execute();
      } else if (manifest instanceof V1RoleBinding rb) {
        created = new RbacAuthorizationV1Api(admin).createNamespacedRoleBinding(ns, rb).dryRun(dryRun).execute();
      } else if (manifest instanceof V1Deployment d) {
        created = new AppsV1Api(admin).createNamespacedDeployment(ns, d).dryRun(dryRun)
            .fieldValidation("Strict").execute();
      } else {
        throw new AssertionError(file + " holds an unexpected kind: " + manifest.getClass());
      }
      assertThat(created).as(file).isNotNull();
    }
  }

  @Test
  void theLeastPrivilegeRoleIsEnoughToElectRenewAndRelease() throws Exception {
    ApiClient admin = server.adminClient();
    String ns = server.uniqueName("least-privilege");
    new CoreV1Api(admin).createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(ns))).execute();
    V1Role role = (V1Role) Yaml.load(K8S.resolve("role.yaml").toFile());
    String lease = role.getRules().get(0).getResourceNames().get(0);
    bindToRestrictedUser(admin, ns, role);

    ElectionConfig config = ElectionConfig.builder(lease).namespace(ns).identity("pod-a")
        .leaseDuration(Duration.ofSeconds(4)).renewDeadline(Duration.ofSeconds(3))
        .retryPeriod(Duration.ofSeconds(1)).build();
    // RBAC changes take a moment to reach the authorizer; the elector retries on its own.
    try (LeaderElector elector = LeaderElector.builder(config,
        new KubernetesLeaseStore(server.restrictedClient(), config)).build()) {
      elector.start();
      await().atMost(Duration.ofSeconds(30)).until(elector::isLeader);
      Thread.sleep(2500); // renewals (update) and the watch (resourceNames + fieldSelector)
      assertThat(elector.isLeader()).isTrue();
      assertThat(elector.status().lastError()).isNull();
    }
    var spec = new CoordinationV1Api(admin).readNamespacedLease(lease, ns).execute().getSpec();
    assertThat(spec.getHolderIdentity()).isEmpty(); // released with get + update
  }

  @Test
  void theRoleCoversEveryElectionOfTheSampleWithTheSharedWatch() throws Exception {
    ApiClient admin = server.adminClient();
    String ns = server.uniqueName("elections");
    new CoreV1Api(admin).createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(ns))).execute();
    V1Role role = (V1Role) Yaml.load(K8S.resolve("role.yaml").toFile());
    List<String> leases = role.getRules().get(0).getResourceNames();
    // The sample's four elections: the default one, billing, reports and payments, named <lease>-<name>.
    assertThat(leases).containsExactly("orders-service", "orders-service-billing", "orders-service-reports",
        "orders-service-payments");
    bindToRestrictedUser(admin, ns, role);

    try (SharedElectors pod = SharedElectors.start(server.restrictedClient(), ns, leases)) {
      List<LeaderElector> electors = pod.electors();
      SharedLeaseWatch shared = pod.watch();
      await().atMost(Duration.ofSeconds(30)).until(() -> electors.stream().allMatch(LeaderElector::isLeader));
      Thread.sleep(2500); // renewals, and the shared list and watch
      assertThat(electors).allSatisfy(e -> {
        assertThat(e.isLeader()).isTrue();
        assertThat(e.status().lastError()).isNull();
      });
      assertThat(shared.fellBack()).as("the Role allows the shared list and watch").isFalse();

      // Balancing's member Lease, named after the pod: created, renewed, released and deleted under the Role.
      ElectionConfig first = electors.get(0).config();
      String member = LeaseMembership.leaseName("orders-service", first.identity());
      LeaseMembership membership = new LeaseMembership("orders-service", first, shared,
          name -> new KubernetesLeaseStore(server.restrictedClient(), ns, name, first.requestTimeout()), Ticker.SYSTEM);
      membership.start();
      await().atMost(Duration.ofSeconds(20)).until(() -> membership.live().contains(first.identity()));
      Thread.sleep(2500); // renewals of the member Lease
      assertThat(membership.heartbeat().isLeader()).isTrue();
      assertThat(membership.heartbeat().status().lastError()).isNull();
      membership.close();
      await().atMost(Duration.ofSeconds(10)).until(() -> new CoordinationV1Api(admin).listNamespacedLease(ns).execute()
          .getItems().stream().noneMatch(l -> l.getMetadata().getName().equals(member)));
    }
  }

  @Test
  void aRoleWithoutNamespaceWideListAndWatchFallsBackToOneWatchPerLease() throws Exception {
    ApiClient admin = server.adminClient();
    String ns = server.uniqueName("no-list");
    new CoreV1Api(admin).createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(ns))).execute();
    V1Role role = (V1Role) Yaml.load(K8S.resolve("role.yaml").toFile());
    List<String> leases = role.getRules().get(0).getResourceNames();
    // The Role of a single election: no list, watch only under resourceNames.
    role.getRules().get(1).setVerbs(List.of("create"));
    bindToRestrictedUser(admin, ns, role);

    try (SharedElectors pod = SharedElectors.start(server.restrictedClient(), ns, leases)) {
      List<LeaderElector> electors = pod.electors();
      SharedLeaseWatch shared = pod.watch();
      await().atMost(Duration.ofSeconds(30)).until(() -> shared.fellBack()
          && electors.stream().allMatch(LeaderElector::isLeader));
      // Each election now watches its own lease: a change made by someone else reaches it.
      Thread.sleep(2500);
      assertThat(electors).allSatisfy(e -> assertThat(e.isLeader()).isTrue());
      assertThat(Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.isAlive() && t.getName().startsWith("leader-election-watch-orders-service")).count())
          .as("one watch per lease after the fallback").isEqualTo(leases.size());
    }
  }

  /** Creates {@code role} in {@code ns} and binds it to the harness's restricted user (the service account's stand-in). */
  private void bindToRestrictedUser(ApiClient admin, String ns, V1Role role) throws Exception {
    new RbacAuthorizationV1Api(admin).createNamespacedRole(ns, role).execute();
    V1RoleBinding binding = (V1RoleBinding) Yaml.load(K8S.resolve("rolebinding.yaml").toFile());
    binding.setSubjects(List.of(new RbacV1Subject().kind("User").name(server.restrictedUser())
        .apiGroup("rbac.authorization.k8s.io")));
    new RbacAuthorizationV1Api(admin).createNamespacedRoleBinding(ns, binding).execute();
  }

  /** One pod's electors of several leases, sharing one watch, as the starter runs named elections. */
  private record SharedElectors(List<LeaderElector> electors, SharedLeaseWatch watch) implements AutoCloseable {

    static SharedElectors start(ApiClient client, String ns, List<String> leases) {
      List<LeaderElector> electors = new java.util.ArrayList<>();
      SharedLeaseWatch shared = null;
      for (String lease : leases) {
        ElectionConfig config = ElectionConfig.builder(lease).namespace(ns).identity("pod-a")
            .leaseDuration(Duration.ofSeconds(4)).renewDeadline(Duration.ofSeconds(3))
            .retryPeriod(Duration.ofSeconds(1)).build();
        KubernetesLeaseStore own = new KubernetesLeaseStore(client, config);
        if (shared == null) {
          shared = new SharedLeaseWatch(own, ns, config.retryPeriod());
        }
        LeaderElector elector = LeaderElector.builder(config, shared.share(own, lease)).build();
        electors.add(elector);
        elector.start();
      }
      return new SharedElectors(electors, shared);
    }

    @Override
    public void close() {
      electors.forEach(LeaderElector::close);
      if (watch != null) {
        watch.close();
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static List<String> kustomizationResources() throws IOException {
    Map<String, Object> k = new org.yaml.snakeyaml.Yaml().load(Files.readString(K8S.resolve("kustomization.yaml")));
    assertThat(k).doesNotContainKey("namespace");
    return (List<String>) k.get("resources");
  }

  static {
    // Maven runs tests in the module directory; make the path explicit in failures.
    assertThat(new File("k8s")).exists();
  }
}
