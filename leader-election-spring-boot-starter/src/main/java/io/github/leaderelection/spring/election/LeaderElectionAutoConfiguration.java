package io.github.leaderelection.spring.election;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.ElectionObserver;
import io.github.leaderelection.core.InMemoryLeaseStore;
import io.github.leaderelection.core.InvalidElectionConfigException;
import io.github.leaderelection.core.KubernetesLeaseStore;
import io.github.leaderelection.core.LeaderElector;
import io.github.leaderelection.core.LeadershipListener;
import io.github.leaderelection.core.LeaseStore;
import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.spring.diagnostics.RbacDiagnosingLeaseStore;
import io.github.leaderelection.spring.election.LeaderElectionProperties.Mode;
import io.kubernetes.client.openapi.ApiClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Leader election on a Kubernetes Lease, or locally in the always-leader and never-leader
 * modes. Beans: the validated {@link ElectionConfig}, a {@link LeaseStore}, the core
 * {@link LeaderElector}, the {@link LeaderElection} view of it and the
 * {@link LeaderElectionLifecycle} that runs it. Each backs off when the application defines
 * its own bean of that type. Every {@link LeadershipListener} bean is registered on the
 * elector, before the listener that publishes the application events, and every
 * {@link ElectionObserver} bean (metrics, tracing) is given to the elector, in order.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "leader.election.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LeaderElectionProperties.class)
public final class LeaderElectionAutoConfiguration {

  private static final Logger log = LoggerFactory.getLogger(LeaderElectionAutoConfiguration.class);

  /** The election configuration from {@code leader.election.*}, validated. */
  @Bean
  @ConditionalOnMissingBean
  ElectionConfig leaderElectionConfig(LeaderElectionProperties properties, Environment environment) {
    ElectionConfig.Builder builder = ElectionConfig.builder(leaseName(properties, environment))
        .leaseDuration(properties.getLeaseDuration())
        .renewDeadline(properties.getRenewDeadline())
        .retryPeriod(properties.getRetryPeriod())
        .releaseOnShutdown(properties.isReleaseOnShutdown());
    // Unset properties keep the core's defaults, which derive from the other values.
    if (properties.getNamespace() != null) {
      builder.namespace(properties.getNamespace());
    }
    if (properties.getIdentity() != null) {
      builder.identity(properties.getIdentity());
    }
    if (properties.getRequestTimeout() != null) {
      builder.requestTimeout(properties.getRequestTimeout());
    }
    if (properties.getStepDownCooldown() != null) {
      builder.stepDownCooldown(properties.getStepDownCooldown());
    }
    if (properties.getShutdownTimeout() != null) {
      builder.shutdownTimeout(properties.getShutdownTimeout());
    }
    return builder.build();
  }

  /**
   * The lease: on the Kubernetes API server (through the application's ApiClient if it has
   * one), or in memory for the local modes. The mode is resolved here, when the bean is
   * created, rather than in a bean condition: under AOT, conditions are evaluated at build
   * time, where "running on Kubernetes" is not yet known.
   */
  @Bean
  @ConditionalOnMissingBean
  LeaseStore leaderElectionLeaseStore(ElectionConfig config, LeaderElectionProperties properties,
      ObjectProvider<ApiClient> apiClient, Environment environment) {
    Mode mode = ElectionModes.resolve(properties.getMode(), environment);
    boolean auto = properties.getMode() == Mode.AUTO;
    if (mode == Mode.KUBERNETES) {
      if (auto) {
        log.info("Leader election mode auto: electing on Kubernetes ({})", ElectionModes.kubernetesSignal(environment));
      }
      ApiClient client = apiClient.getIfAvailable(
          () -> KubernetesApiClients.create(properties.getKubeconfig(), environment));
      return new KubernetesLeaseStore(client, config);
    }
    if (auto) {
      log.warn("""

          ************************************************************************************
          Leader election found no Kubernetes (not in a cluster, no KUBECONFIG, no
          leader.election.kubeconfig): this instance is ALWAYS THE LEADER of lease {}/{}.
          Every instance started like this runs the @LeaderOnly work at the same time.
          Set leader.election.mode=kubernetes to elect, or always-leader to silence this.
          ************************************************************************************""",
          config.namespace(), config.leaseName());
    }
    // A lease of this process alone: it wins it at once (always-leader) or never competes.
    return new InMemoryLeaseStore(config);
  }

  /**
   * The core elector; closed when the context closes if the lifecycle did not stop it. Its
   * store explains refused requests (HTTP 403) with the RBAC to apply, see
   * {@link RbacDiagnosingLeaseStore}.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  LeaderElector leaderElector(ElectionConfig config, LeaseStore leaseStore,
      ObjectProvider<ElectionObserver> observers) {
    LeaderElector.Builder builder = LeaderElector.builder(config,
        new RbacDiagnosingLeaseStore(leaseStore, config.namespace(), config.leaseName()));
    observers.orderedStream().forEach(builder::observer);
    return builder.build();
  }

  @Bean
  @ConditionalOnMissingBean
  LeaderElection leaderElection(LeaderElector elector) {
    return new ElectorLeaderElection(elector);
  }

  @Bean
  @ConditionalOnMissingBean
  LeaderElectionLifecycle leaderElectionLifecycle(LeaderElector elector, LeaderElection leaderElection,
      LeaderElectionProperties properties, Environment environment,
      ObjectProvider<LeadershipListener> listeners, ApplicationEventPublisher publisher,
      ObjectProvider<LeaseStore> leaseStore) {
    Mode mode = ElectionModes.resolve(properties.getMode(), environment);
    Duration awaitTimeout = awaitTimeout(properties, mode);
    return new LeaderElectionLifecycle(elector, mode != Mode.NEVER_LEADER, awaitTimeout, () -> {
      List<LeadershipListener> all = new ArrayList<>(listeners.orderedStream().toList());
      // Last, so the lost event follows the end of leader work (@LeaderOnly tracking).
      all.add(new EventPublishingListener(publisher, leaderElection));
      return all;
    }, preflightStore(elector, leaseStore.getIfUnique()));
  }

  /**
   * The lease store to check permissions with before competing, when it is the elector's
   * lease (an application's own elector may elect on another).
   */
  private static LeaseStore preflightStore(LeaderElector elector, LeaseStore store) {
    ElectionConfig config = elector.config();
    boolean sameLease = store != null && store.describe().equals(config.namespace() + "/" + config.leaseName());
    return sameLease ? store : null;
  }

  /**
   * Kubernetes Events "became leader" and "stopped leading" on the Lease, when enabled and
   * electing on Kubernetes. Recording never delays or affects the election.
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBooleanProperty(name = "leader.election.events.kubernetes.enabled")
  KubernetesEventRecorder leaderElectionKubernetesEventRecorder(ElectionConfig config,
      LeaderElectionProperties properties, ObjectProvider<ApiClient> apiClient, Environment environment) {
    if (ElectionModes.resolve(properties.getMode(), environment) != Mode.KUBERNETES) {
      log.info("leader.election.events.kubernetes.enabled is set, but the election does not run on"
          + " Kubernetes: no events are recorded");
      return KubernetesEventRecorder.disabled(config);
    }
    ApiClient client = apiClient.getIfAvailable(
        () -> KubernetesApiClients.create(properties.getKubeconfig(), environment));
    return new KubernetesEventRecorder(client, config);
  }

  /**
   * Null when startup does not wait. Always-leader waits: its lease is in memory, so it leads
   * within milliseconds, and scheduled leader work sees leadership from its first run.
   */
  private static Duration awaitTimeout(LeaderElectionProperties properties, Mode mode) {
    if (properties.isAwaitLeadership() && mode == Mode.NEVER_LEADER) {
      throw new InvalidElectionConfigException("awaitLeadership", true,
          "cannot be true with leader.election.mode=never-leader: this instance never leads");
    }
    if (!properties.isAwaitLeadership() && mode != Mode.ALWAYS_LEADER) {
      return null;
    }
    Duration timeout = properties.getAwaitTimeout();
    if (timeout == null || timeout.isZero() || timeout.isNegative()) {
      throw new InvalidElectionConfigException("awaitTimeout", timeout, "must be positive");
    }
    return timeout;
  }

  /** {@code leader.election.lease-name}, else derived from {@code spring.application.name}. */
  static String leaseName(LeaderElectionProperties properties, Environment environment) {
    if (properties.getLeaseName() != null) {
      return properties.getLeaseName(); // as written: the core says what is wrong with it
    }
    String derived = sanitize(environment.getProperty("spring.application.name", ""));
    if (derived.isEmpty()) {
      throw new InvalidElectionConfigException("leaseName", null,
          "must be set, or derived from spring.application.name, which is not set either");
    }
    return derived;
  }

  /**
   * A DNS-1123 subdomain from any name: lowercase, runs of other characters become '-', no
   * empty labels, letters or digits at both ends, at most 253 characters.
   */
  static String sanitize(String name) {
    String s = name.toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9.-]+", "-")
        .replaceAll("[-.]*\\.[-.]*", ".")
        .replaceAll("^[-.]+|[-.]+$", "");
    return s.length() <= 253 ? s : s.substring(0, 253).replaceAll("[-.]+$", "");
  }
}
