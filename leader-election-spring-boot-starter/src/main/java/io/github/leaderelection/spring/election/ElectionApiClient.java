package io.github.leaderelection.spring.election;

import io.kubernetes.client.openapi.ApiClient;
import java.io.IOException;
import java.util.Arrays;
import java.util.function.Supplier;
import okhttp3.Cache;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.NoUniqueBeanDefinitionException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.BeanFactoryAnnotationUtils;
import org.springframework.core.env.Environment;

/**
 * The {@link ApiClient} the election talks through, one for the lease store, the event
 * recorder and the startup check:
 *
 * <ol>
 *   <li>the application's {@code ApiClient} bean qualified {@value #QUALIFIER} (by
 *       {@code @Qualifier} or bean name), when it has several;
 *   <li>else its only, or {@code @Primary}, {@code ApiClient} bean; several with none
 *       primary fail with {@link AmbiguousApiClientException}, which names them, rather than
 *       Spring's {@code NoUniqueBeanDefinitionException};
 *   <li>else one the starter builds on first use ({@link KubernetesApiClients}) and closes
 *       when the context closes. The application's clients are never closed: they are its own.
 * </ol>
 *
 * Resolved when first asked for (a lease store in mode kubernetes), never in the always-leader
 * and never-leader modes, which need no client.
 */
final class ElectionApiClient implements DisposableBean {

  /** The qualifier (or bean name) that picks the election's client among several. */
  static final String QUALIFIER = "leaderElectionApiClient";

  private static final Logger log = LoggerFactory.getLogger(ElectionApiClient.class);

  private final ListableBeanFactory beans;
  private final ObjectProvider<ApiClient> applicationClients;
  private final Supplier<ApiClient> builder;
  private final Environment environment;
  private ApiClient built;
  private ApiClient resolved;
  private boolean closed;

  ElectionApiClient(ListableBeanFactory beans, ObjectProvider<ApiClient> applicationClients,
      Supplier<ApiClient> builder, Environment environment) {
    this.beans = beans;
    this.applicationClients = applicationClients;
    this.builder = builder;
    this.environment = environment;
  }

  /** The client, resolved (and built, if the application has none) on the first call. */
  synchronized ApiClient get() {
    if (resolved == null) {
      if (closed) {
        throw new IllegalStateException("The leader election's ApiClient is closed: the context is closing");
      }
      ApiClient application = applicationClient();
      if (application != null) {
        refuseClientJavaFallback(application);
        resolved = application;
      } else {
        built = builder.get();
        resolved = built;
      }
    }
    return resolved;
  }

  /** Whether the client is one the starter built (and will close). */
  synchronized boolean isBuiltByStarter() {
    return built != null;
  }

  /**
   * An application client built by client-java's {@code ClientBuilder.standard()} (as
   * client-java-spring-integration's {@code defaultApiClient} is) when nothing is configured
   * points at {@code http://localhost:8080}. Electing through it would only log "could not
   * reach" forever: it is said as what it is, no API server configured, like the client the
   * starter builds says it.
   */
  private void refuseClientJavaFallback(ApiClient application) {
    if (KubernetesApiClients.CLIENT_JAVA_FALLBACK.equals(application.getBasePath())
        && !KubernetesApiClients.clientJavaConfigurationExists(environment)) {
      String name = Arrays.stream(BeanFactoryUtils.beanNamesForTypeIncludingAncestors(beans, ApiClient.class))
          .filter(n -> beans.getBean(n) == application).findFirst().orElse("of the application");
      throw new IllegalStateException("No Kubernetes API server configured for leader election: the ApiClient"
          + " bean " + name + " points at " + KubernetesApiClients.CLIENT_JAVA_FALLBACK
          + ", client-java's fallback when it finds no configuration (not in a cluster, no KUBECONFIG, no"
          + " ~/.kube/config); leader.election.kubeconfig is not used while the application defines an ApiClient"
          + " bean. Set KUBECONFIG, define an ApiClient bean for your API server, or set"
          + " leader.election.mode=always-leader to run without Kubernetes.");
    }
  }

  private ApiClient applicationClient() {
    String[] names = BeanFactoryUtils.beanNamesForTypeIncludingAncestors(beans, ApiClient.class);
    if (names.length == 0) {
      return null;
    }
    if (names.length > 1) {
      try {
        return BeanFactoryAnnotationUtils.qualifiedBeanOfType(beans, ApiClient.class, QUALIFIER);
      } catch (NoSuchBeanDefinitionException notQualified) {
        // none picked for the election: a primary one decides, below
      }
    }
    try {
      return applicationClients.getIfAvailable();
    } catch (NoUniqueBeanDefinitionException e) {
      String[] found = e.getBeanNamesFound() != null ? e.getBeanNamesFound().toArray(String[]::new) : names;
      throw new AmbiguousApiClientException(Arrays.asList(found));
    }
  }

  /**
   * Closes the client the starter built. The lease store and the recorder derive their OkHttp
   * clients from it with {@code newBuilder()}, which shares its connection pool and dispatcher,
   * so this ends their connections too; it runs after them (they depend on this bean).
   */
  @Override
  public synchronized void destroy() {
    closed = true;
    if (built != null) {
      close(built);
      built = null;
      resolved = null;
    }
  }

  /**
   * What closing an {@code ApiClient} means: it has no {@code close()}, its resources are its
   * OkHttp client's. OkHttp's own advice: shut the dispatcher's executor down (threads of
   * asynchronous calls, idle up to a minute otherwise), evict the connection pool (idle
   * connections, an HTTP/2 connection to the API server, stay open for five minutes
   * otherwise), close the cache if there is one.
   */
  static void close(ApiClient client) {
    OkHttpClient http = client.getHttpClient();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
    Cache cache = http.cache();
    if (cache != null) {
      try {
        cache.close();
      } catch (IOException e) {
        log.debug("Closing the HTTP cache of the leader election's ApiClient", e);
      }
    }
    log.debug("Closed the leader election's ApiClient for {}", client.getBasePath());
  }
}
