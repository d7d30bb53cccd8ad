package io.github.leaderelection.spring.diagnostics;

import static io.github.leaderelection.spring.TestRunners.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.leaderelection.core.InMemoryLeaseStore;
import io.github.leaderelection.core.LeaseRecord;
import io.github.leaderelection.core.LeaseStore;
import io.github.leaderelection.core.LeaseStoreException;
import io.github.leaderelection.core.LeaseWatch;
import io.github.leaderelection.core.LeaseWatchListener;
import io.github.leaderelection.core.VersionedLease;
import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.spring.TestRunners;
import io.kubernetes.client.openapi.models.RbacV1Subject;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.util.Yaml;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** RBAC advice, the store that attaches it, the startup pre-flight and its failure analysis. */
@ExtendWith(OutputCaptureExtension.class)
class RbacDiagnosticsTests {

  private static final String SA_USER = "system:serviceaccount:apps:orders";

  // --- the advice ---------------------------------------------------------------------------------

  @Test
  void adviceNamesVerbResourceNamespaceAndUser() {
    RbacAdvice advice = new RbacAdvice("update", "jobs", "orders", SA_USER);
    assertThat(advice.problem()).contains("refused to update leases (coordination.k8s.io)",
        "namespace \"jobs\"", "user \"" + SA_USER + "\"", "lease jobs/orders");
    assertThat(advice.message()).startsWith(advice.problem()).contains("kubectl apply -f -", advice.yaml());
  }

  @Test
  void serviceAccountUserIsBoundAsThatServiceAccount() throws Exception {
    List<Object> objects = Yaml.loadAll(new RbacAdvice("get", "jobs", "orders", SA_USER).yaml());
    assertThat(objects).hasSize(2);
    V1Role role = (V1Role) objects.get(0);
    assertThat(role.getMetadata().getName()).isEqualTo("orders-leader-election");
    assertThat(role.getMetadata().getNamespace()).isEqualTo("jobs");
    assertThat(role.getRules()).hasSize(2);
    V1PolicyRule byName = role.getRules().get(0);
    assertThat(byName.getApiGroups()).containsExactly("coordination.k8s.io");
    assertThat(byName.getResources()).containsExactly("leases");
    assertThat(byName.getResourceNames()).containsExactly("orders");
    assertThat(byName.getVerbs()).containsExactly("get", "watch", "update");
    V1PolicyRule create = role.getRules().get(1);
    assertThat(create.getApiGroups()).containsExactly("coordination.k8s.io");
    assertThat(create.getResources()).containsExactly("leases");
    assertThat(create.getResourceNames()).as("create cannot be limited by name").isNullOrEmpty();
    assertThat(create.getVerbs()).containsExactly("create");
    V1RoleBinding binding = (V1RoleBinding) objects.get(1);
    assertThat(binding.getMetadata().getNamespace()).isEqualTo("jobs");
    assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
    assertThat(binding.getRoleRef().getName()).isEqualTo("orders-leader-election");
    assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getKind()).isEqualTo("ServiceAccount");
      assertThat(s.getName()).isEqualTo("orders");
      assertThat(s.getNamespace()).isEqualTo("apps"); // the account's namespace, not the lease's
    });
  }

  @Test
  void otherUsersAreBoundAsUsers() throws Exception {
    RbacV1Subject subject = subject(new RbacAdvice("create", "jobs", "orders", "alice@example.com: \"ops\""));
    assertThat(subject.getKind()).isEqualTo("User");
    assertThat(subject.getApiGroup()).isEqualTo("rbac.authorization.k8s.io");
    assertThat(subject.getName()).isEqualTo("alice@example.com: \"ops\"");
    assertThat(subject(new RbacAdvice("get", "jobs", "orders", "system:serviceaccount:broken")).getKind())
        .isEqualTo("User");
  }

  @Test
  void unknownUserGetsAPlaceholderServiceAccount() throws Exception {
    RbacAdvice advice = new RbacAdvice("get", "jobs", "orders", null);
    assertThat(advice.problem()).contains("did not name it");
    assertThat(advice.yaml()).contains("put the pod's service account here");
    RbacV1Subject subject = subject(advice);
    assertThat(subject.getKind()).isEqualTo("ServiceAccount");
    assertThat(subject.getName()).isEqualTo("<service-account>");
  }

  // --- the store ----------------------------------------------------------------------------------

  @Test
  void refusedRequestsCarryTheAdvice() {
    LeaseStore store = new RbacDiagnosingLeaseStore(new RefusingStore(), "test", "orders");
    assertThatThrownBy(store::get).isInstanceOfSatisfying(LeaseStoreException.Forbidden.class, e -> {
      assertThat(e.getMessage()).isEqualTo(new RbacAdvice("get", "test", "orders", SA_USER).message());
      assertThat(e.verb()).isEqualTo("get");
      assertThat(e.namespace()).isEqualTo("test");
      assertThat(e.user()).isEqualTo(SA_USER);
      assertThat(e.status()).isEqualTo(403);
      assertThat(e.getCause()).isInstanceOf(LeaseStoreException.Forbidden.class);
    });
    assertThatThrownBy(() -> store.create(LeaseRecord.EMPTY)).hasMessageContaining("refused to create leases");
    assertThat(store.describe()).isEqualTo("test/orders");
  }

  @Test
  void refusedWatchIsLoggedOnceWithTheAdvice(CapturedOutput output) {
    LeaseStore store = new RbacDiagnosingLeaseStore(new RefusingStore(), "test", "orders");
    AtomicReference<Throwable> closedWith = new AtomicReference<>();
    LeaseWatchListener listener = new LeaseWatchListener() {
      @Override
      public void onUpsert(VersionedLease lease) {}

      @Override
      public void onDeleted(String resourceVersion) {}

      @Override
      public void onClosed(Throwable cause, boolean expired) {
        closedWith.set(cause);
      }
    };
    store.watch(null, listener);
    store.watch(null, listener);
    assertThat(closedWith.get()).hasMessageContaining("refused to watch leases").hasMessageContaining("kind: Role");
    assertThat(output.getOut().split("cannot watch its lease", -1)).hasSize(2);
    assertThat(output).contains("ERROR", "apiVersion: rbac.authorization.k8s.io/v1");
  }

  // --- startup ------------------------------------------------------------------------------------

  @Test
  void startupFailsWhenTheLeaseCannotBeRead() {
    runner().withBean(LeaseStore.class, RefusingStore::new).run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().isInstanceOf(LeaseStoreException.Forbidden.class);
      FailureAnalysis analysis = TestRunners.analyze(context.getStartupFailure());
      assertThat(analysis.getDescription()).contains("Lease: test/orders",
          "Refused: get leases (coordination.k8s.io) in namespace \"test\"", "User: " + SA_USER);
      assertThat(analysis.getAction()).contains("kind: Role", "resourceNames: [\"orders\"]",
          "kind: ServiceAccount", "name: \"orders\"", "namespace: \"apps\"");
      assertThat(analysis.getCause()).isInstanceOf(LeaseAccessDeniedException.class);
    });
  }

  @Test
  void otherFailuresAndMissingLeasesDoNotStopStartup() {
    runner().withBean(LeaseStore.class, () -> new RefusingStore() {
      @Override
      public VersionedLease get() throws LeaseStoreException {
        throw new LeaseStoreException("get lease test/orders failed: connection refused", 0, null);
      }
    }).withPropertyValues("leader.election.mode=kubernetes").run(context -> assertThat(context).hasNotFailed());
    InMemoryLeaseStore absent = new InMemoryLeaseStore("test", "orders");
    runner().withBean(LeaseStore.class, () -> absent).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(LeaderElection.class).isLeader()).isTrue();
    });
  }

  @Test
  void neverLeaderDoesNotProbe() {
    runner().withBean(LeaseStore.class, RefusingStore::new).withPropertyValues("leader.election.mode=never-leader")
        .run(context -> assertThat(context).hasNotFailed());
  }

  private static RbacV1Subject subject(RbacAdvice advice) throws Exception {
    return ((V1RoleBinding) Yaml.loadAll(advice.yaml()).get(1)).getSubjects().get(0);
  }

  /** Refuses everything, as the API server does for a user without a Role. */
  static class RefusingStore implements LeaseStore {
    @Override
    public String describe() {
      return "test/orders";
    }

    @Override
    public VersionedLease get() throws LeaseStoreException {
      throw forbidden("get");
    }

    @Override
    public VersionedLease create(LeaseRecord record) throws LeaseStoreException {
      throw forbidden("create");
    }

    @Override
    public VersionedLease update(VersionedLease current, LeaseRecord record) throws LeaseStoreException {
      throw forbidden("update");
    }

    @Override
    public LeaseWatch watch(String resourceVersion, LeaseWatchListener listener) {
      listener.onClosed(forbidden("watch"), false);
      return () -> {};
    }

    private static LeaseStoreException.Forbidden forbidden(String verb) {
      return new LeaseStoreException.Forbidden("refused " + verb, verb, "test", SA_USER, null);
    }
  }
}
