package io.github.leaderelection.spring.election;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.LeaseStore;

/**
 * Makes the {@link LeaseStore} of each named election ({@code leader.election.elections}); the
 * default election's is the {@code LeaseStore} bean. The auto-configured one elects on the
 * Kubernetes API server, or in memory in the local modes; a test kit replaces it with a store
 * the test controls.
 */
@FunctionalInterface
public interface ElectionLeaseStoreFactory {

  /**
   * @param election the election's name
   * @param config its configuration (lease name, namespace)
   * @return the store of its lease
   */
  LeaseStore create(String election, ElectionConfig config);
}
