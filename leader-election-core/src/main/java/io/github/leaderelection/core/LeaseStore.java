package io.github.leaderelection.core;

/**
 * The port through which the elector reads and writes its one Lease. A store is bound to a
 * single lease (namespace and name) at construction.
 *
 * <p>Implementations must give each request its own timeout (rule 4) and report outcomes
 * with the exception types below, so the elector can tell a lost race (409) from a missing
 * lease (404) from everything else. {@link KubernetesLeaseStore} talks to the API server;
 * {@link InMemoryLeaseStore} has the same semantics for deterministic tests.
 */
public interface LeaseStore {

  /** The lease this store reads and writes, as "namespace/name". */
  String describe();

  /**
   * Reads the lease.
   *
   * @return the lease, or {@code null} when it does not exist
   */
  VersionedLease get() throws LeaseStoreException;

  /**
   * Creates the lease with the given fields.
   *
   * @throws LeaseStoreException.Conflict if it already exists
   */
  VersionedLease create(LeaseRecord record) throws LeaseStoreException;

  /**
   * Replaces the owned fields of {@code current} with {@code record}, conditional on
   * {@code current.resourceVersion()}. Every field the elector does not own (labels,
   * annotations, ownerReferences, strategy, preferredHolder, ...) is kept as it was in
   * {@code current}.
   *
   * @throws LeaseStoreException.Conflict if the lease changed since {@code current} was read
   * @throws LeaseStoreException.NotFound if the lease no longer exists
   */
  VersionedLease update(VersionedLease current, LeaseRecord record) throws LeaseStoreException;

  /**
   * Watches the lease from {@code resourceVersion} (exclusive). Events are delivered on a
   * thread of the store's choosing, in order. The watch ends by calling
   * {@link LeaseWatchListener#onClosed} exactly once, for whatever reason, after which the
   * caller decides whether to watch again.
   *
   * @param resourceVersion where to start, usually that of the last {@link #get()}; null for now
   * @return a handle that stops the watch
   */
  LeaseWatch watch(String resourceVersion, LeaseWatchListener listener);
}
