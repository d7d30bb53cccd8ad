package io.github.leaderelection.spring.election;

import static io.github.leaderelection.spring.TestRunners.analyze;
import static io.github.leaderelection.spring.TestRunners.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.leaderelection.core.KubernetesLeaseStore;
import io.github.leaderelection.core.LeaseStore;
import io.kubernetes.client.openapi.ApiClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.NoUniqueBeanDefinitionException;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * Which ApiClient the election uses when the application has several, and the closing of the
 * one the starter builds when it has none.
 */
class ApiClientSelectionTests {

  private static final String[] KUBERNETES = {"leader.election.mode=kubernetes", "leader.election.retry-period=1s",
      "leader.election.renew-deadline=2s", "leader.election.lease-duration=3s"};

  @Test
  void twoApiClientsWithoutPrimaryFailNamingBothAndWhatToDo() {
    runner().withUserConfiguration(TwoClients.class).withPropertyValues(KUBERNETES).run(context -> {
      assertThat(context).hasFailed();
      Throwable root = rootCause(context.getStartupFailure());
      assertThat(root).isNotInstanceOf(NoUniqueBeanDefinitionException.class)
          .isInstanceOf(AmbiguousApiClientException.class)
          .hasMessageContaining("2 ApiClient beans")
          .hasMessageContaining("clusterA").hasMessageContaining("clusterB")
          .hasMessageContaining("@Primary")
          .hasMessageContaining("@Qualifier(\"leaderElectionApiClient\")");
      FailureAnalysis analysis = analyze(context.getStartupFailure());
      assertThat(analysis.getDescription()).contains("clusterA").contains("clusterB");
      assertThat(analysis.getAction()).contains("@Primary").contains("@Qualifier(\"leaderElectionApiClient\")");
    });
  }

  @Test
  void theElectionUsesThePrimaryOne() {
    runner().withUserConfiguration(TwoClients.class, PrimaryClient.class).withPropertyValues(KUBERNETES)
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(LeaseStore.class)).isInstanceOf(KubernetesLeaseStore.class);
          await().atMost(Duration.ofSeconds(10)).until(() -> context.getBean(PrimaryClient.class).requests.get() > 0);
          assertThat(context.getBean(TwoClients.class).requests.get()).isZero();
        });
  }

  @Test
  void aClientQualifiedForTheElectionWinsOverThePrimaryOne() {
    runner().withUserConfiguration(TwoClients.class, PrimaryClient.class, QualifiedClient.class)
        .withPropertyValues(KUBERNETES)
        .run(context -> {
          assertThat(context).hasNotFailed();
          await().atMost(Duration.ofSeconds(10)).until(() -> context.getBean(QualifiedClient.class).requests.get() > 0);
          assertThat(context.getBean(PrimaryClient.class).requests.get()).isZero();
          assertThat(context.getBean(TwoClients.class).requests.get()).isZero();
        });
  }

  @Test
  void aBeanNamedForTheElectionIsPickedToo() {
    runner().withUserConfiguration(TwoClients.class, NamedClient.class).withPropertyValues(KUBERNETES)
        .run(context -> {
          assertThat(context).hasNotFailed();
          await().atMost(Duration.ofSeconds(10)).until(() -> context.getBean(NamedClient.class).requests.get() > 0);
          assertThat(context.getBean(TwoClients.class).requests.get()).isZero();
        });
  }

  @Test
  void severalClientsDoNotMatterWhenNoneIsNeeded() {
    runner().withUserConfiguration(TwoClients.class).withPropertyValues("leader.election.mode=always-leader")
        .run(context -> assertThat(context).hasNotFailed());
  }

  @Test
  void theClientTheStarterBuildsIsClosedWithTheContext(@TempDir Path dir) throws Exception {
    Path kubeconfig = LeaderElectionAutoConfigurationTests.kubeconfig(dir);
    ApiClient[] built = new ApiClient[1];
    runner().withPropertyValues(KUBERNETES).withPropertyValues("leader.election.kubeconfig=" + kubeconfig)
        .run(context -> {
          ElectionApiClient source = context.getBean(ElectionApiClient.class);
          assertThat(source.isBuiltByStarter()).isTrue();
          built[0] = source.get();
          assertThat(built[0].getBasePath()).isEqualTo("http://127.0.0.1:1");
          assertThat(built[0].getHttpClient().dispatcher().executorService().isShutdown()).isFalse();
        });
    assertThat(built[0].getHttpClient().dispatcher().executorService().isShutdown()).isTrue();
    assertThat(built[0].getHttpClient().connectionPool().connectionCount()).isZero();
  }

  @Test
  void theApplicationsClientIsNotClosed() {
    ApiClient[] used = new ApiClient[1];
    runner().withUserConfiguration(PrimaryClient.class).withPropertyValues(KUBERNETES).run(context -> {
      ElectionApiClient source = context.getBean(ElectionApiClient.class);
      used[0] = source.get();
      assertThat(source.isBuiltByStarter()).isFalse();
      assertThat(used[0]).isSameAs(context.getBean(ApiClient.class));
    });
    assertThat(used[0].getHttpClient().dispatcher().executorService().isShutdown()).isFalse();
  }

  @Test
  void aClientAtClientJavasFallbackWithNothingConfiguredIsNoApiServer(@TempDir Path home) {
    String userHome = System.getProperty("user.home");
    System.setProperty("user.home", home.toString()); // no ~/.kube/config, whatever the machine
    try {
      runner().withUserConfiguration(FallbackClient.class).withPropertyValues(KUBERNETES)
          .withPropertyValues("HOME=" + home)
          .run(context -> {
            assertThat(context).hasFailed();
            assertThat(rootCause(context.getStartupFailure()))
                .hasMessageContaining("No Kubernetes API server configured for leader election")
                .hasMessageContaining("bean standardClient points at http://localhost:8080");
          });
      // A kubeconfig exists, so localhost:8080 is what the user configured: used as it is.
      runner().withUserConfiguration(FallbackClient.class).withPropertyValues(KUBERNETES)
          .withPropertyValues("HOME=" + home, "KUBECONFIG=" + LeaderElectionAutoConfigurationTests.kubeconfig(home))
          .run(context -> assertThat(context).hasNotFailed());
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      System.setProperty("user.home", userHome);
    }
  }

  private static Throwable rootCause(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  /** A client for a server that is not there, counting the requests sent through it. */
  static ApiClient counting(AtomicInteger requests) {
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

  @Configuration(proxyBeanMethods = false)
  static class TwoClients {
    final AtomicInteger requests = new AtomicInteger();

    @Bean
    ApiClient clusterA() {
      return counting(requests);
    }

    @Bean
    ApiClient clusterB() {
      return counting(requests);
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class PrimaryClient {
    final AtomicInteger requests = new AtomicInteger();

    @Bean
    @Primary
    ApiClient primaryCluster() {
      return counting(requests);
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class QualifiedClient {
    final AtomicInteger requests = new AtomicInteger();

    @Bean
    @Qualifier("leaderElectionApiClient")
    ApiClient electionCluster() {
      return counting(requests);
    }
  }

  /** What ClientBuilder.standard() builds when it finds no configuration. */
  @Configuration(proxyBeanMethods = false)
  static class FallbackClient {
    @Bean
    ApiClient standardClient() {
      ApiClient client = new ApiClient();
      client.setBasePath("http://localhost:8080");
      return client;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class NamedClient {
    final AtomicInteger requests = new AtomicInteger();

    @Bean
    ApiClient leaderElectionApiClient() {
      return counting(requests);
    }
  }
}
