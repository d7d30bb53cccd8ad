package io.github.leaderelection.spring.election;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.KubernetesLeaseStore;
import io.github.leaderelection.core.LeaseStore;
import io.github.leaderelection.core.SharedLeaseWatch;
import io.kubernetes.client.openapi.ApiClient;
import java.util.function.Supplier;
import org.springframework.beans.factory.DisposableBean;

/**
 * Gives the Kubernetes lease stores of an application with named elections one shared watch
 * ({@link SharedLeaseWatch}) instead of one watch per Lease, unless
 * {@code leader.election.shared-watch=false}. Made when the first store asks, so an
 * application with a single election, or not on Kubernetes, never lists its namespace.
 */
final class SharedWatches implements DisposableBean {

  private final boolean enabled;
  private final Supplier<ApiClient> client;
  private SharedLeaseWatch shared; // guarded by this

  /**
   * @param enabled whether to share: named elections exist and sharing is not switched off
   * @param client the election's ApiClient
   */
  SharedWatches(boolean enabled, Supplier<ApiClient> client) {
    this.enabled = enabled;
    this.client = client;
  }

  /** The Kubernetes store of {@code config}'s lease, watching through the shared watch when enabled. */
  synchronized LeaseStore store(ElectionConfig config) {
    KubernetesLeaseStore own = new KubernetesLeaseStore(client.get(), config);
    if (!enabled) {
      return own;
    }
    return shared(config).share(own, config.leaseName());
  }

  /** The shared watch of {@code config}'s namespace (balancing sees the members through it); made when first asked. */
  synchronized SharedLeaseWatch shared(ElectionConfig config) {
    if (!enabled) {
      throw new IllegalStateException("The shared watch is off (leader.election.shared-watch=false)");
    }
    if (shared == null) {
      shared = new SharedLeaseWatch(new KubernetesLeaseStore(client.get(), config), config.namespace(),
          config.retryPeriod());
    }
    return shared;
  }

  /** A store of the Lease {@code name} in {@code config}'s namespace, with its request timeout; no watch. */
  KubernetesLeaseStore plain(ElectionConfig config, String name) {
    return new KubernetesLeaseStore(client.get(), config.namespace(), name, config.requestTimeout());
  }

  @Override
  public synchronized void destroy() {
    if (shared != null) {
      shared.close();
    }
  }
}
