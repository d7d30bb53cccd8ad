package io.github.leaderelection.core;

import java.util.Objects;

/**
 * A Lease as read from a {@link LeaseStore}: the owned fields, the resourceVersion that makes
 * the next write conditional (rule 2), and the store's own copy of the whole object so that
 * fields the elector does not own survive its writes (rule 17).
 */
public final class VersionedLease {

  private final LeaseRecord record;
  private final String resourceVersion;
  private final Object storeState;

  /**
   * @param record the owned fields
   * @param resourceVersion the server's resourceVersion of this object
   * @param storeState the store's full copy of the object; opaque to the elector and passed
   *     back to {@link LeaseStore#update} unchanged
   */
  public VersionedLease(LeaseRecord record, String resourceVersion, Object storeState) {
    this.record = Objects.requireNonNull(record, "record");
    this.resourceVersion = Objects.requireNonNull(resourceVersion, "resourceVersion");
    this.storeState = storeState;
  }

  /** The fields leader election owns. */
  public LeaseRecord record() {
    return record;
  }

  /** The resourceVersion; a write carrying it fails with a conflict if the object changed. */
  public String resourceVersion() {
    return resourceVersion;
  }

  /** The store's full copy of the object. Only the store that made it interprets it. */
  public Object storeState() {
    return storeState;
  }

  @Override
  public String toString() {
    return "VersionedLease{rv=" + resourceVersion + ", " + record + "}";
  }
}
