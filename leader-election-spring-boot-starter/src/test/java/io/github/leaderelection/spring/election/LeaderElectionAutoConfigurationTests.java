package io.github.leaderelection.spring.election;

import static io.github.leaderelection.spring.TestRunners.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.ElectionStatus;
import io.github.leaderelection.core.InMemoryLeaseStore;
import io.github.leaderelection.core.KubernetesLeaseStore;
import io.github.leaderelection.core.LeaderElector;
import io.github.leaderelection.core.LeadershipListener;
import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.core.LeaseStore;
import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.spring.leaderonly.LeaderOnlyAdvisor;
import io.github.leaderelection.spring.leaderonly.LeaderOnlyExecutions;
import io.kubernetes.client.openapi.ApiClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Conditions, modes, user beans and property binding of {@link LeaderElectionAutoConfiguration}. */
@ExtendWith(OutputCaptureExtension.class)
class LeaderElectionAutoConfigurationTests {

  // --- on and off ---------------------------------------------------------------------------------

  @Test
  void enabledFalseConfiguresNothing() {
    runner().withPropertyValues("leader.election.enabled=false").run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).doesNotHaveBean(LeaderElectionProperties.class);
      assertThat(context).doesNotHaveBean(ElectionConfig.class);
      assertThat(context).doesNotHaveBean(LeaseStore.class);
      assertThat(context).doesNotHaveBean(LeaderElector.class);
      assertThat(context).doesNotHaveBean(LeaderElection.class);
      assertThat(context).doesNotHaveBean(LeaderElectionLifecycle.class);
      assertThat(context).doesNotHaveBean(LeaderOnlyExecutions.class);
      assertThat(context).doesNotHaveBean(LeaderOnlyAdvisor.class);
    });
  }

  @Test
  void enabledByDefault() {
    runner().run(context -> {
      assertThat(context).hasSingleBean(ElectionConfig.class);
      assertThat(context).hasSingleBean(LeaseStore.class);
      assertThat(context).hasSingleBean(LeaderElector.class);
      assertThat(context).hasSingleBean(LeaderElection.class);
      assertThat(context).hasSingleBean(LeaderElectionLifecycle.class);
      assertThat(context).hasSingleBean(LeaderOnlyExecutions.class);
      assertThat(context).hasSingleBean(LeaderOnlyAdvisor.class);
    });
  }

  // --- modes --------------------------------------------------------------------------------------

  @Test
  void autoWithoutKubernetesIsAlwaysLeaderWithOneLoudWarning(CapturedOutput output) {
    runner().run(context -> {
      assertThat(context.getBean(LeaseStore.class)).isInstanceOf(InMemoryLeaseStore.class);
      // Startup waited: leader from the first bean that asks.
      assertThat(context.getBean(LeaderElection.class).isLeader()).isTrue();
    });
    assertThat(output.getAll().split("ALWAYS THE LEADER", -1)).hasSize(2);
    assertThat(output).contains("lease test/orders");
  }

  @Test
  void alwaysLeaderLeadsWithoutWarning(CapturedOutput output) {
    runner().withPropertyValues("leader.election.mode=always-leader").run(context -> {
      LeaderElection election = context.getBean(LeaderElection.class);
      assertThat(election.isLeader()).isTrue();
      assertThat(election.fencingToken()).isPresent();
      assertThat(election.currentTerm()).isPresent();
      assertThat(election.currentHolder()).contains(election.status().identity());
      assertThat(election.status().state()).isEqualTo(ElectionStatus.State.RUNNING);
    });
    assertThat(output).doesNotContain("ALWAYS THE LEADER");
  }

  @Test
  void neverLeaderDoesNotCompete() {
    runner().withPropertyValues("leader.election.mode=never-leader").run(context -> {
      LeaderElection election = context.getBean(LeaderElection.class);
      assertThat(election.isLeader()).isFalse();
      assertThat(election.awaitLeadership(Duration.ofMillis(200))).isFalse();
      assertThat(election.status().state()).isEqualTo(ElectionStatus.State.NEW);
      assertThat(((InMemoryLeaseStore) context.getBean(LeaseStore.class)).peek()).isNull();
      assertThat(election.stepDown().get()).isFalse();
    });
  }

  @Test
  void kubernetesModeUsesTheApplicationsApiClient() {
    runner().withUserConfiguration(CountingApiClient.class)
        .withPropertyValues("leader.election.mode=kubernetes", "leader.election.retry-period=1s",
            "leader.election.renew-deadline=2s", "leader.election.lease-duration=3s")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(LeaseStore.class)).isInstanceOf(KubernetesLeaseStore.class);
          AtomicInteger requests = context.getBean(CountingApiClient.class).requests;
          await().atMost(Duration.ofSeconds(10)).until(() -> requests.get() > 0);
          assertThat(context.getBean(LeaderElection.class).isLeader()).isFalse();
        });
  }

  @Test
  void autoOnKubernetesElectsOnKubernetes() {
    runner().withUserConfiguration(CountingApiClient.class)
        .withPropertyValues("spring.main.cloud-platform=kubernetes")
        .run(context -> assertThat(context.getBean(LeaseStore.class)).isInstanceOf(KubernetesLeaseStore.class));
  }

  @Test
  void autoWithKubeconfigEnvironmentVariableElectsOnKubernetes(@TempDir Path dir) throws Exception {
    Path kubeconfig = kubeconfig(dir);
    runner().withPropertyValues("KUBECONFIG=" + dir.resolve("missing") + java.io.File.pathSeparator + kubeconfig)
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(LeaseStore.class)).isInstanceOf(KubernetesLeaseStore.class);
        });
  }

  @Test
  void autoWithKubeconfigPropertyElectsOnKubernetes(@TempDir Path dir) throws Exception {
    runner().withPropertyValues("leader.election.kubeconfig=" + kubeconfig(dir))
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(LeaseStore.class)).isInstanceOf(KubernetesLeaseStore.class);
          assertThat(context.getBean(LeaseStore.class).describe()).isEqualTo("test/orders");
        });
  }

  @Test
  void kubernetesModeWithNothingToConnectToFailsClearly(@TempDir Path home) {
    String userHome = System.getProperty("user.home");
    System.setProperty("user.home", home.toString()); // no ~/.kube/config, whatever the machine
    try {
      runner().withPropertyValues("leader.election.mode=kubernetes").run(context -> {
        assertThat(context).hasFailed();
        assertThat(context.getStartupFailure()).rootCause()
            .hasMessageContaining("No Kubernetes API server configured")
            .hasMessageContaining("leader.election.kubeconfig")
            .hasMessageContaining("leader.election.mode=always-leader");
      });
    } finally {
      System.setProperty("user.home", userHome);
    }
  }

  @Test
  void awaitLeadershipFailsStartupWhenNotElectedInTime() {
    runner().withUserConfiguration(CountingApiClient.class)
        .withPropertyValues("leader.election.mode=kubernetes", "leader.election.await-leadership=true",
            "leader.election.await-timeout=1s", "leader.election.identity=pod-a")
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).rootCause()
              .isInstanceOf(LeadershipNotAcquiredException.class)
              .hasMessageContaining("pod-a did not become the leader of lease test/orders within 1s");
          var analysis = io.github.leaderelection.spring.TestRunners.analyze(context.getStartupFailure());
          assertThat(analysis.getDescription()).contains("Lease: test/orders", "Identity: pod-a",
              "Held by: nobody", "Waited: 1s (leader.election.await-timeout)");
          assertThat(analysis.getAction()).contains("leader.election.await-timeout",
              "leader.election.await-leadership=false");
        });
  }

  @Test
  void awaitLeadershipInAlwaysLeaderModeStartsAsLeader() {
    runner().withPropertyValues("leader.election.mode=always-leader", "leader.election.await-leadership=true")
        .run(context -> assertThat(context.getBean(LeaderElection.class).isLeader()).isTrue());
  }

  // --- threads ------------------------------------------------------------------------------------

  @Test
  void virtualThreadsWhenEnabledOnJava21OrLater() {
    runner().withPropertyValues("leader.election.mode=always-leader", "spring.threads.virtual.enabled=true")
        .withBean(ListenerThread.class)
        .run(context -> {
          ListenerThread.Seen thread = context.getBean(ListenerThread.class).seen.get(10, TimeUnit.SECONDS);
          if (Runtime.version().feature() >= 21) {
            assertThat(thread.virtual()).as(thread.description()).isTrue();
            assertThat(thread.name()).startsWith("leader-elector-orders-");
          } else {
            // Boot's rule for its own executors too: the property has no effect before Java 21.
            assertThat(thread.virtual()).as(thread.description()).isFalse();
            assertThat(thread.name()).startsWith("leader-elector-orders-").endsWith("-events");
          }
          assertThat(thread.daemon()).isTrue();
        });
  }

  @Test
  void platformDaemonThreadsByDefault() {
    runner().withPropertyValues("leader.election.mode=always-leader")
        .withBean(ListenerThread.class)
        .run(context -> {
          ListenerThread.Seen thread = context.getBean(ListenerThread.class).seen.get(10, TimeUnit.SECONDS);
          assertThat(thread.virtual()).as(thread.description()).isFalse();
          assertThat(thread.name()).startsWith("leader-elector-orders-").endsWith("-events");
          assertThat(thread.daemon()).isTrue();
        });
  }

  /** The thread the listeners are called on. */
  static class ListenerThread implements LeadershipListener {
    record Seen(String name, String description, boolean daemon) {
      /** Thread.isVirtual() is Java 21 API, the tests are Java 17 bytecode: "VirtualThread[#..]". */
      boolean virtual() {
        return description.startsWith("VirtualThread[");
      }
    }

    final CompletableFuture<Seen> seen = new CompletableFuture<>();

    @Override
    public void onElected(LeadershipTerm term) {
      Thread t = Thread.currentThread();
      seen.complete(new Seen(t.getName(), t.toString(), t.isDaemon()));
    }
  }

  // --- the application's beans win ----------------------------------------------------------------

  @Test
  void userElectionConfigWins() {
    ElectionConfig config = ElectionConfig.builder("custom").namespace("ns").identity("me").build();
    runner().withBean(ElectionConfig.class, () -> config).run(context -> {
      assertThat(context).getBean(ElectionConfig.class).isSameAs(config);
      assertThat(context.getBean(LeaderElection.class).status().leaseName()).isEqualTo("custom");
      assertThat(context.getBean(LeaderElection.class).status().identity()).isEqualTo("me");
    });
  }

  @Test
  void userLeaseStoreWins() {
    InMemoryLeaseStore store = new InMemoryLeaseStore("test", "orders");
    runner().withBean(LeaseStore.class, () -> store).run(context -> {
      assertThat(context).getBean(LeaseStore.class).isSameAs(store);
      assertThat(store.peek().holder()).isEqualTo(context.getBean(LeaderElection.class).status().identity());
    });
  }

  @Test
  void userElectorWinsAndIsStartedByTheLifecycle() {
    ElectionConfig config = ElectionConfig.builder("mine").namespace("test").build();
    runner().withBean(LeaderElector.class, () -> LeaderElector.builder(config, new InMemoryLeaseStore(config)).build())
        .run(context -> {
          assertThat(context).hasSingleBean(LeaderElector.class);
          assertThat(context.getBean(LeaderElection.class).status().leaseName()).isEqualTo("mine");
          assertThat(context.getBean(LeaderElection.class).isLeader()).isTrue();
        });
  }

  @Test
  void userLeaderElectionWins() {
    LeaderElection mine = new ElectorLeaderElection(
        LeaderElector.builder(ElectionConfig.builder("x").namespace("test").build(), new InMemoryLeaseStore("test", "x")).build());
    runner().withBean(LeaderElection.class, () -> mine)
        .run(context -> assertThat(context).getBean(LeaderElection.class).isSameAs(mine));
  }

  @Test
  void userLifecycleWins() {
    runner().withBean("myLifecycle", LeaderElectionLifecycle.class,
            () -> new LeaderElectionLifecycle(null, false, null, List::of) {
              @Override
              public void start() {}

              @Override
              public void stop() {}
            })
        .run(context -> {
          assertThat(context).hasSingleBean(LeaderElectionLifecycle.class);
          assertThat(context).hasBean("myLifecycle");
          assertThat(context.getBean(LeaderElection.class).status().state()).isEqualTo(ElectionStatus.State.NEW);
        });
  }

  // --- binding ------------------------------------------------------------------------------------

  @Test
  void everyPropertyBinds(@TempDir Path dir) throws Exception {
    Path kubeconfig = kubeconfig(dir);
    runner().withUserConfiguration(CountingApiClient.class).withPropertyValues(
            "leader.election.mode=kubernetes",
            "leader.election.lease-name=orders-cleanup",
            "leader.election.namespace=jobs",
            "leader.election.identity=pod-1",
            "leader.election.lease-duration=20",
            "leader.election.renew-deadline=12s",
            "leader.election.retry-period=2500ms",
            "leader.election.request-timeout=4s",
            "leader.election.step-down-cooldown=30s",
            "leader.election.shutdown-timeout=5s",
            "leader.election.release-on-shutdown=false",
            "leader.election.await-leadership=false",
            "leader.election.await-timeout=90s",
            "leader.election.kubeconfig=" + kubeconfig)
        .run(context -> {
          ElectionConfig config = context.getBean(ElectionConfig.class);
          assertThat(config.leaseName()).isEqualTo("orders-cleanup");
          assertThat(config.namespace()).isEqualTo("jobs");
          assertThat(config.identity()).isEqualTo("pod-1");
          assertThat(config.leaseDuration()).isEqualTo(Duration.ofSeconds(20)); // no unit: seconds
          assertThat(config.renewDeadline()).isEqualTo(Duration.ofSeconds(12));
          assertThat(config.retryPeriod()).isEqualTo(Duration.ofMillis(2500));
          assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(4));
          assertThat(config.stepDownCooldown()).isEqualTo(Duration.ofSeconds(30));
          assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(5));
          assertThat(config.releaseOnShutdown()).isFalse();
          LeaderElectionProperties properties = context.getBean(LeaderElectionProperties.class);
          assertThat(properties.isEnabled()).isTrue();
          assertThat(properties.getMode()).isEqualTo(LeaderElectionProperties.Mode.KUBERNETES);
          assertThat(properties.isAwaitLeadership()).isFalse();
          assertThat(properties.getAwaitTimeout()).isEqualTo(Duration.ofSeconds(90));
          assertThat(properties.getKubeconfig()).isEqualTo(kubeconfig.toString());
          assertThat(context.getBean(LeaseStore.class).describe()).isEqualTo("jobs/orders-cleanup");
        });
  }

  @Test
  void defaults() {
    runner().run(context -> {
      ElectionConfig config = context.getBean(ElectionConfig.class);
      assertThat(config.leaseName()).isEqualTo("orders");
      assertThat(config.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
      assertThat(config.renewDeadline()).isEqualTo(Duration.ofSeconds(10));
      assertThat(config.retryPeriod()).isEqualTo(Duration.ofSeconds(2));
      assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
      assertThat(config.stepDownCooldown()).isEqualTo(Duration.ofSeconds(15));
      assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
      assertThat(config.releaseOnShutdown()).isTrue();
      assertThat(config.identity()).isNotBlank();
      LeaderElectionProperties properties = context.getBean(LeaderElectionProperties.class);
      assertThat(properties.getMode()).isEqualTo(LeaderElectionProperties.Mode.AUTO);
      assertThat(properties.isAwaitLeadership()).isFalse();
      assertThat(properties.getAwaitTimeout()).isEqualTo(Duration.ofSeconds(60));
    });
  }

  @Test
  void leaseNameIsDerivedFromTheApplicationName() {
    runner().withPropertyValues("spring.application.name=Orders_Service v2")
        .run(context -> assertThat(context.getBean(ElectionConfig.class).leaseName()).isEqualTo("orders-service-v2"));
  }

  @Test
  void localModesNameTheLeaseWhenNothingElseDoes() {
    // "auto" resolves to always-leader here: no cluster, no kubeconfig (see TestRunners).
    for (String mode : List.of("auto", "always-leader", "never-leader")) {
      runner().withPropertyValues("spring.application.name=", "leader.election.mode=" + mode).run(context -> {
        assertThat(context).as(mode).hasNotFailed();
        assertThat(context.getBean(ElectionConfig.class).leaseName()).as(mode).isEqualTo("application");
        assertThat(context.getBean(LeaderElection.class).isLeader()).as(mode).isEqualTo(!mode.equals("never-leader"));
      });
    }
    // A name that sanitizes to nothing is no name either.
    runner().withPropertyValues("spring.application.name=___", "leader.election.mode=always-leader")
        .run(context -> assertThat(context.getBean(ElectionConfig.class).leaseName()).isEqualTo("application"));
    // The application's name still wins, and on Kubernetes a name stays required
    // (LeaderElectionFailureAnalyzerTests.missingLeaseNameAndApplicationName).
    runner().withPropertyValues("leader.election.mode=always-leader")
        .run(context -> assertThat(context.getBean(ElectionConfig.class).leaseName()).isEqualTo("orders"));
  }

  @Test
  void sanitizeMakesDns1123Subdomains() {
    assertThat(LeaderElectionAutoConfiguration.sanitize("My_App")).isEqualTo("my-app");
    assertThat(LeaderElectionAutoConfiguration.sanitize("--a..b-.c--")).isEqualTo("a.b.c");
    assertThat(LeaderElectionAutoConfiguration.sanitize("billing.eu")).isEqualTo("billing.eu");
    assertThat(LeaderElectionAutoConfiguration.sanitize("___")).isEmpty();
    assertThat(LeaderElectionAutoConfiguration.sanitize("a".repeat(252) + "-b")).hasSize(252).doesNotEndWith("-");
  }

  // --- helpers ------------------------------------------------------------------------------------

  /** A kubeconfig for a server that is not there: enough to build a client. */
  static Path kubeconfig(Path dir) throws Exception {
    Path file = dir.resolve("config");
    Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: nowhere
          cluster:
            server: http://127.0.0.1:1
        users:
        - name: someone
          user:
            token: abc
        contexts:
        - name: here
          context:
            cluster: nowhere
            user: someone
        current-context: here
        """);
    return file;
  }

  /** An application ApiClient for a server that is not there, counting the requests sent. */
  @Configuration(proxyBeanMethods = false)
  static class CountingApiClient {
    final AtomicInteger requests = new AtomicInteger();

    @Bean
    ApiClient apiClient() {
      ApiClient client = new ApiClient();
      client.setBasePath("http://127.0.0.1:1");
      client.setHttpClient(client.getHttpClient().newBuilder()
          .addInterceptor(chain -> {
            requests.incrementAndGet();
            return chain.proceed(chain.request());
          })
          .build());
      return client;
    }
  }
}
