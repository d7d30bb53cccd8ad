package io.github.leaderelection.spring.election;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.balance.BalancedElection;
import io.github.leaderelection.core.ElectionObserver;
import io.github.leaderelection.core.InMemoryLeaseStore;
import io.github.leaderelection.core.InvalidElectionConfigException;
import io.github.leaderelection.core.LeaderElector;
import io.github.leaderelection.core.LeadershipListener;
import io.github.leaderelection.core.LeaseStore;
import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.spring.LeaderElections;
import io.github.leaderelection.spring.aot.LeaderElectionRuntimeHints;
import io.github.leaderelection.spring.diagnostics.RbacDiagnosingLeaseStore;
import io.github.leaderelection.spring.election.LeaderElectionProperties.Mode;
import io.kubernetes.client.openapi.ApiClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadFactory;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.thread.Threading;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.task.VirtualThreadTaskExecutor;
import org.springframework.util.ClassUtils;

/**
 * Leader election on a Kubernetes Lease, or locally in the always-leader and never-leader
 * modes. Beans: the validated {@link ElectionConfig}, a {@link LeaseStore}, the core
 * {@link LeaderElector} (with the factory that builds a new one for each later start, a
 * closed elector cannot be restarted), the {@link LeaderElection} view of the current one and
 * the {@link LeaderElectionLifecycle} that runs it. Each backs off when the application defines
 * its own bean of that type. Every {@link LeadershipListener} bean is registered on the
 * elector, before the listener that publishes the application events, and every
 * {@link ElectionObserver} bean (metrics, tracing) is given to the elector, in order.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "leader.election.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LeaderElectionProperties.class)
@ImportRuntimeHints(LeaderElectionRuntimeHints.class)
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
   * The ApiClient the election talks through: the application's (the one qualified
   * {@value ElectionApiClient#QUALIFIER}, else the only or primary one), else one the starter
   * builds when first needed and closes with the context. See {@link ElectionApiClient}.
   */
  @Bean
  ElectionApiClient leaderElectionApiClientSource(ListableBeanFactory beans, ObjectProvider<ApiClient> apiClient,
      LeaderElectionProperties properties, Environment environment) {
    return new ElectionApiClient(beans, apiClient,
        () -> KubernetesApiClients.create(properties.getKubeconfig(), environment), environment);
  }

  /**
   * The lease: on the Kubernetes API server (through the application's ApiClient if it has
   * one), or in memory for the local modes. The mode is resolved here, when the bean is
   * created, rather than in a bean condition: under AOT, conditions are evaluated at build
   * time, where "running on Kubernetes" is not yet known.
   */
  /**
   * One shared watch for the leases of all elections, when there are named elections
   * ({@code leader.election.shared-watch}, default true); see {@link SharedWatches}.
   */
  @Bean
  SharedWatches leaderElectionSharedWatches(LeaderElectionProperties properties, ElectionApiClient apiClient) {
    boolean wanted = !properties.getElections().isEmpty() || properties.getBalance().isEnabled();
    return new SharedWatches(properties.isSharedWatch() && wanted, apiClient::get);
  }

  /** Balancing as configured ({@code leader.election.balance.*}), checked at startup. */
  @Bean
  BalanceSettings leaderElectionBalanceSettings(LeaderElectionProperties properties, ElectionConfig config,
      Environment environment) {
    return BalanceSettings.of(properties, config,
        ElectionModes.resolve(properties.getMode(), environment) == Mode.KUBERNETES);
  }

  /**
   * Spreads the leaderships of the balanced elections over the instances; see
   * {@link LeadershipBalancing}. Only with {@code leader.election.balance.enabled=true}.
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBooleanProperty("leader.election.balance.enabled")
  LeadershipBalancing leaderElectionBalancing(BalanceSettings settings, ElectionConfig config,
      LeaderElectionProperties properties, LeaderElection leaderElection,
      ObjectProvider<ConfiguredLeaderElections> elections, SharedWatches watches) {
    return new LeadershipBalancing(settings, config, () -> {
      List<BalancedElection> balanced = new ArrayList<>();
      if (settings.balances(LeaderElections.DEFAULT)) {
        if (leaderElection instanceof ElectorLeaderElection view) {
          balanced.add(BalancedElection.following(config.leaseName(), view::elector));
        } else if (!properties.getBalance().getElections().isEmpty()) {
          throw new InvalidBalanceConfigException("leader.election.balance.elections", LeaderElections.DEFAULT,
              "the default election is the application's own LeaderElection bean, which the starter cannot steer;"
              + " leave 'default' out");
        }
      }
      ConfiguredLeaderElections all = elections.getIfUnique();
      if (all != null) {
        all.named().forEach((name, n) -> {
          if (settings.balances(name)) {
            balanced.add(BalancedElection.following(n.settings().config().leaseName(), n.election()::elector));
          }
        });
      }
      return balanced;
    }, watches, settings.onKubernetes());
  }

  @Bean
  @ConditionalOnMissingBean
  LeaseStore leaderElectionLeaseStore(ElectionConfig config, LeaderElectionProperties properties,
      ElectionApiClient apiClient, Environment environment, SharedWatches watches) {
    Mode mode = ElectionModes.resolve(properties.getMode(), environment);
    boolean auto = properties.getMode() == Mode.AUTO;
    if (mode == Mode.KUBERNETES) {
      if (auto) {
        log.info("Leader election mode auto: electing on Kubernetes ({})", ElectionModes.kubernetesSignal(environment));
      }
      return watches.store(config);
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
   * Builds the auto-configured elector, and a new one for each later start of the election
   * (a closed elector cannot be restarted; see {@link LeaderElectionLifecycle}).
   */
  @Bean
  @ConditionalOnMissingBean
  LeaderElectorFactory leaderElectorFactory(ElectionConfig config, LeaseStore leaseStore,
      ObjectProvider<ElectionObserver> observers, Environment environment, BalanceSettings balance) {
    return new LeaderElectorFactory(config, leaseStore, observers::orderedStream, threadFactory(config, environment),
        balance.birthHoldBack(LeaderElections.DEFAULT));
  }

  /**
   * Virtual threads for the elector when the application asks for them with
   * {@code spring.threads.virtual.enabled=true} and runs on Java 21 or later, the rule Boot
   * applies to its own executors ({@link Threading#VIRTUAL}); else null, the core's named
   * daemon threads. The starter is Java 17 bytecode, so it cannot call
   * {@code Thread.ofVirtual()}: Spring Framework's {@link VirtualThreadTaskExecutor} does, from
   * the Java 21 part of its multi-release jar, and is only reached once Boot has checked the
   * Java version (on Java 17 it would throw). Virtual threads are daemons, as the default
   * threads are, so keep-alive is unchanged. The Kubernetes watch runs on the core's own
   * platform thread either way.
   */
  static ThreadFactory threadFactory(ElectionConfig config, Environment environment) {
    if (!Threading.VIRTUAL.isActive(environment)) {
      return null;
    }
    // One factory for the election, request and listener threads of every start: named
    // leader-elector-<lease>-<n>, in the order the elector first needs them.
    return new VirtualThreadTaskExecutor("leader-elector-" + config.leaseName() + "-").getVirtualThreadFactory();
  }

  /**
   * The core elector of the first start; closed when the context closes if the lifecycle did
   * not stop it. Its store explains refused requests (HTTP 403) with the RBAC to apply, see
   * {@link RbacDiagnosingLeaseStore}.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  LeaderElector leaderElector(LeaderElectorFactory factory) {
    return factory.create();
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
      ObjectProvider<LeaseStore> leaseStore, ObjectProvider<LeaderElectorFactory> factory,
      ElectionApiClient apiClient, ApplicationContext context) {
    Mode mode = ElectionModes.resolve(properties.getMode(), environment);
    Duration awaitTimeout = awaitTimeout(properties, mode);
    // Restartable only when both the elector and the view of it are the starter's own: then a
    // new elector from the factory is the same election, and the view can follow it.
    LeaderElectorFactory electors = factory.getIfUnique();
    boolean restartable = electors != null && electors.built(elector)
        && leaderElection instanceof ElectorLeaderElection view && view.elector() == elector;
    return new LeaderElectionLifecycle(elector, restartable ? electors::create : null,
        restartable ? (ElectorLeaderElection) leaderElection : null,
        mode != Mode.NEVER_LEADER, awaitTimeout, properties.isAwaitLeadership(), () -> {
          List<LeadershipListener> all = new ArrayList<>(listeners.orderedStream().toList());
          if (!properties.getComponents().isEmpty()) {
            all.add(new LeadershipBoundComponents(LeaderElections.DEFAULT, properties.getComponents(), context,
                elector.config().shutdownTimeout()));
          }
          // Last, so the lost event follows the end of leader work (@LeaderOnly tracking,
          // bound components).
          all.add(new EventPublishingListener(publisher, leaderElection, LeaderElections.DEFAULT, elector.config(),
              localChildContexts(context)));
          return all;
        }, preflightStore(elector, leaseStore.getIfUnique()),
        () -> apiClient.get().getBasePath(),
        properties.isFailOnUnreachable(), keepAlive(environment, context));
  }

  /**
   * Makes the lease store of each named election: on the Kubernetes API server (through the
   * same ApiClient as the default election) or in memory in the local modes, as for the
   * default election's {@code LeaseStore} bean.
   */
  @Bean
  @ConditionalOnMissingBean
  ElectionLeaseStoreFactory leaderElectionLeaseStoreFactory(LeaderElectionProperties properties,
      Environment environment, SharedWatches watches) {
    return (election, config) -> ElectionModes.resolve(properties.getMode(), environment) == Mode.KUBERNETES
        ? watches.store(config)
        : new InMemoryLeaseStore(config);
  }

  /**
   * All elections: the default one and those under {@code leader.election.elections}, which this
   * bean builds and runs. Each named election gets its own lease store (from the
   * {@link ElectionLeaseStoreFactory}), the {@link ElectionObserver} beans that observe every
   * election plus one from each {@link ElectionObserverFactory}, the {@link LeadershipListener}
   * beans, its bound components and its event publisher, as the default election does.
   */
  @Bean
  @ConditionalOnMissingBean(LeaderElections.class)
  ConfiguredLeaderElections leaderElections(LeaderElection leaderElection, ElectionConfig config,
      LeaderElectionProperties properties, Environment environment, ElectionLeaseStoreFactory stores,
      ObjectProvider<ElectionObserver> observers, ObjectProvider<ElectionObserverFactory> observerFactories,
      ObjectProvider<LeadershipListener> listeners, ApplicationEventPublisher publisher,
      ElectionApiClient apiClient, ApplicationContext context, BalanceSettings balance) {
    Mode mode = ElectionModes.resolve(properties.getMode(), environment);
    boolean compete = mode != Mode.NEVER_LEADER;
    List<ConfiguredLeaderElections.Named> named = new ArrayList<>();
    for (NamedElectionSettings settings : NamedElectionSettings.all(properties, config, compete)) {
      named.add(namedElection(settings, mode, properties, environment, stores, observers, observerFactories,
          listeners, publisher, apiClient, context, balance));
    }
    return new ConfiguredLeaderElections(leaderElection, config, named);
  }

  private static ConfiguredLeaderElections.Named namedElection(NamedElectionSettings settings, Mode mode,
      LeaderElectionProperties properties, Environment environment, ElectionLeaseStoreFactory stores,
      ObjectProvider<ElectionObserver> observers, ObjectProvider<ElectionObserverFactory> observerFactories,
      ObjectProvider<LeadershipListener> listeners, ApplicationEventPublisher publisher,
      ElectionApiClient apiClient, ApplicationContext context, BalanceSettings balance) {
    String name = settings.name();
    ElectionConfig config = settings.config();
    LeaseStore store = stores.create(name, config);
    LeaderElectorFactory factory = new LeaderElectorFactory(config, store, () -> Stream.concat(
        observers.orderedStream().filter(o -> !(o instanceof ElectionObserverFactory.PerElection)),
        observerFactories.orderedStream().map(f -> f.observer(name, config)).filter(o -> o != null)),
        threadFactory(config, environment), balance.birthHoldBack(name));
    LeaderElector elector = factory.create();
    ElectorLeaderElection view = new ElectorLeaderElection(elector);
    // One recorder per election, made once (not per start), closed with the elections.
    KubernetesEventRecorder recorder = properties.getEvents().getKubernetes().isEnabled() && mode == Mode.KUBERNETES
        ? new KubernetesEventRecorder(apiClient.get(), config) : null;
    LeaderElectionLifecycle lifecycle = new LeaderElectionLifecycle(elector, factory::create, view,
        mode != Mode.NEVER_LEADER, settings.awaitTimeout(), true, () -> {
          List<LeadershipListener> all = new ArrayList<>();
          // The default election's own recorder writes events on its Lease: each election its own.
          listeners.orderedStream().filter(l -> !(l instanceof KubernetesEventRecorder)).forEach(all::add);
          if (recorder != null) {
            all.add(recorder);
          }
          if (!settings.components().isEmpty()) {
            all.add(new LeadershipBoundComponents(name, settings.components(), context, config.shutdownTimeout()));
          }
          all.add(new EventPublishingListener(publisher, view, name, config, localChildContexts(context)));
          return all;
        }, store, () -> apiClient.get().getBasePath(), properties.isFailOnUnreachable(), false);
    return new ConfiguredLeaderElections.Named(settings, view, lifecycle, recorder);
  }

  /**
   * Keeps beans bound to an election ({@code components}) from starting on every instance, and
   * fails startup on a binding that cannot work. Static and of the infrastructure role: a
   * post-processor is created before ordinary beans.
   */
  @Bean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  static LeadershipBoundComponentsPostProcessor leaderElectionComponentsPostProcessor(Environment environment) {
    return LeadershipBoundComponentsPostProcessor.from(environment);
  }

  /**
   * The contexts below this one (a SpringApplicationBuilder child, a context given this one
   * with {@code setParent}), so that the leadership events reach their listeners too.
   */
  @Bean
  static ChildContexts leaderElectionChildContexts() {
    return new ChildContexts();
  }

  /** This context's own tracker, not an ancestor's (which would track other contexts). */
  private static ChildContexts localChildContexts(ApplicationContext context) {
    String[] names = context.getBeanNamesForType(ChildContexts.class, false, false); // this context only
    return names.length == 1 ? context.getBean(names[0], ChildContexts.class) : null;
  }

  /**
   * Whether the election keeps a non-daemon thread while it competes. The elector's threads
   * are daemons, so a worker without a web server would exit when main() returns. Not needed
   * with a web server (its threads keep the JVM alive) or with spring.main.keep-alive=true
   * (SpringApplication's own keep-alive thread does it); spring.main.keep-alive=false, set
   * explicitly, means the application wants main() to end it, and is respected.
   */
  static boolean keepAlive(Environment environment, ApplicationContext context) {
    if (environment.getProperty("spring.main.keep-alive") != null) {
      return false;
    }
    return !isWebServerContext(context);
  }

  private static boolean isWebServerContext(ApplicationContext context) {
    String type = "org.springframework.boot.web.server.context.WebServerApplicationContext";
    ClassLoader loader = LeaderElectionAutoConfiguration.class.getClassLoader();
    if (!ClassUtils.isPresent(type, loader)) {
      return false;
    }
    return ClassUtils.resolveClassName(type, loader).isInstance(context);
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
      LeaderElectionProperties properties, ElectionApiClient apiClient, Environment environment) {
    if (ElectionModes.resolve(properties.getMode(), environment) != Mode.KUBERNETES) {
      log.info("leader.election.events.kubernetes.enabled is set, but the election does not run on"
          + " Kubernetes: no events are recorded");
      return KubernetesEventRecorder.disabled(config);
    }
    return new KubernetesEventRecorder(apiClient.get(), config);
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

  /**
   * The lease name of the local modes when neither {@code leader.election.lease-name} nor
   * {@code spring.application.name} gives one.
   */
  static final String LOCAL_LEASE_NAME = "application";

  /**
   * {@code leader.election.lease-name}, else derived from {@code spring.application.name},
   * else, in the always-leader and never-leader modes, {@value #LOCAL_LEASE_NAME}.
   */
  static String leaseName(LeaderElectionProperties properties, Environment environment) {
    if (properties.getLeaseName() != null) {
      return properties.getLeaseName(); // as written: the core says what is wrong with it
    }
    String derived = sanitize(environment.getProperty("spring.application.name", ""));
    if (derived.isEmpty() && ElectionModes.resolve(properties.getMode(), environment) != Mode.KUBERNETES) {
      // A local lease lives in this process's memory: no other application can share it, so
      // any name is safe, and tests and local runs need not invent one. On Kubernetes a
      // default would let unrelated applications of a namespace compete for one Lease (all but
      // one would never run their leader work), so a name stays required there.
      return LOCAL_LEASE_NAME;
    }
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
