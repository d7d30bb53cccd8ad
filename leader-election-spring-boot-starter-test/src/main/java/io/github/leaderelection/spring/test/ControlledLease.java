package io.github.leaderelection.spring.test;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.InMemoryLeaseStore;
import io.github.leaderelection.core.LeaseRecord;
import io.github.leaderelection.core.LeaseStore;
import io.github.leaderelection.core.LeaseStoreException;
import io.github.leaderelection.core.LeaseWatch;
import io.github.leaderelection.core.LeaseWatchListener;
import io.github.leaderelection.core.VersionedLease;
import io.github.leaderelection.spring.election.LeaderElectionLifecycle;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;

/**
 * One election's lease in a test (the default election's is the {@code LeaseStore} bean, each
 * named election's comes from {@link ControlledLeaseFactory}): the core's {@link InMemoryLeaseStore} (the API server's
 * semantics: resourceVersions, 409s, ordered watch events), plus what the test does to it as
 * "another instance" of the application. The elector reads and writes it like a Kubernetes
 * Lease and reacts to it through the same watch and the same state machine, so every change
 * the test makes reaches the application through the real code paths.
 *
 * <p>The other instance never renews: its record claims {@link #OTHER_HOLDER_DURATION}, longer
 * than any test, so the elector, which judges expiry by the record's duration on its own clock,
 * never takes the lease over by expiry while the test keeps it away; without this the other
 * instance would need a thread renewing every retry period.
 *
 * <p>It is also a lifecycle, started just before the election: every start of the election
 * (the first one, and each restart of a context that Spring's test context cache paused)
 * begins on a free lease, as a single instance in always-leader mode would. Otherwise an
 * always-leader election restarted while the test had handed the lease away would wait for
 * leadership at startup until {@code leader.election.await-timeout}, then fail.
 */
final class ControlledLease implements LeaseStore, SmartLifecycle {

  /**
   * How long the other instance's claim lasts: one day, far beyond a test, small enough that
   * the elector's nanosecond arithmetic on it cannot overflow.
   */
  static final int OTHER_HOLDER_DURATION = (int) Duration.ofDays(1).toSeconds();

  private final InMemoryLeaseStore store;
  private final Object lock = new Object();
  private final ElectionConfig config;
  private final String identity;
  private volatile boolean running;
  /** Writes fail (the API server refuses them) until cleared: renewals fail, then RENEW_FAILED. */
  private boolean failWrites; // guarded by lock
  /** The holder that takes the lease the moment the elector releases it (a step-down), or null. */
  private @Nullable String takeOverOnRelease; // guarded by lock

  ControlledLease(ElectionConfig config) {
    this.store = new InMemoryLeaseStore(config);
    this.config = config;
    this.identity = config.identity();
  }

  /** The configuration of the election this lease belongs to: its identity and timings. */
  ElectionConfig config() {
    return config;
  }

  // --- the elector's side: a LeaseStore ---------------------------------------------------------

  @Override
  public String describe() {
    return store.describe();
  }

  @Override
  public @Nullable VersionedLease get() throws LeaseStoreException {
    return store.get();
  }

  @Override
  public VersionedLease create(LeaseRecord record) throws LeaseStoreException {
    synchronized (lock) {
      refuseWritesIfFailing("create");
      return store.create(record);
    }
  }

  @Override
  public VersionedLease update(VersionedLease current, LeaseRecord record) throws LeaseStoreException {
    synchronized (lock) {
      refuseWritesIfFailing("update");
      VersionedLease written = store.update(current, record);
      String taker = takeOverOnRelease;
      if (taker != null && !record.isHeld()) {
        // Another instance was waiting for this release, as a follower watching the lease
        // would take it at once. Done under the same lock as the release, so the elector's
        // cool-down cannot end in between and the watch delivers release, then takeover.
        takeOverOnRelease = null;
        store.forceWrite(heldBy(taker, written.record()));
      }
      return written;
    }
  }

  @Override
  public LeaseWatch watch(@Nullable String resourceVersion, LeaseWatchListener listener) {
    return store.watch(resourceVersion, listener);
  }

  private void refuseWritesIfFailing(String verb) throws LeaseStoreException {
    if (failWrites) {
      throw new LeaseStoreException(verb + " lease " + describe() + ": 503 Service Unavailable (injected by"
          + " LeadershipControl.revoke(RENEW_FAILED): the API server refuses writes)", 503, null);
    }
  }

  // --- the test's side ---------------------------------------------------------------------------

  /** The lease's holder now, as the API server would answer; null when free or absent. */
  @Nullable String holder() {
    LeaseRecord record = store.peek();
    return record == null || !record.isHeld() ? null : record.holder();
  }

  /** The lease's fields now, or null when it does not exist. */
  @Nullable LeaseRecord peek() {
    return store.peek();
  }

  /** Another instance, {@code holder}, writes itself into the lease (a takeover). */
  void takeBy(String holder) {
    synchronized (lock) {
      store.forceWrite(heldBy(holder, store.peek()));
    }
  }

  /**
   * As {@link #takeBy}, unless {@code electorLeads} is false and the lease names this instance:
   * then the elector's acquiring write is in the lease but its answer not yet processed, and
   * nothing is written. Checked and written under the lock the elector's writes take, so no
   * write of the elector can come in between.
   *
   * @return whether the lease was taken
   */
  boolean takeByUnlessAcquiring(String holder, boolean electorLeads) {
    synchronized (lock) {
      LeaseRecord record = store.peek();
      if (!electorLeads && record != null && record.isHeldBy(identity)) {
        return false;
      }
      store.forceWrite(heldBy(holder, record));
      return true;
    }
  }

  /**
   * Whoever holds the lease, other than this instance, releases it, as a leader shutting down
   * would: the elector sees a free lease on its watch and takes it. Nothing to write when the
   * lease is absent, free, or names this instance (the elector takes its own record back).
   */
  void releaseByOthers() {
    synchronized (lock) {
      LeaseRecord record = store.peek();
      if (record != null && record.isHeld() && !record.isHeldBy(identity)) {
        Instant now = now();
        store.forceWrite(new LeaseRecord("", 1, now, now, record.leaseTransitions()));
      }
    }
  }

  /** The elector's writes fail from now on (true), or work again (false). */
  void failWrites(boolean fail) {
    synchronized (lock) {
      failWrites = fail;
    }
  }

  /** When the elector next releases the lease, {@code holder} takes it at once; null to cancel. */
  void takeOverOnRelease(@Nullable String holder) {
    synchronized (lock) {
      takeOverOnRelease = holder;
    }
  }

  /** No injected failure, no pending takeover, nobody else holding the lease. */
  void reset() {
    synchronized (lock) {
      failWrites = false;
      takeOverOnRelease = null;
      releaseByOthers();
    }
  }

  private static LeaseRecord heldBy(String holder, @Nullable LeaseRecord previous) {
    Instant now = now();
    int transitions = previous == null ? 0
        : previous.isHeldBy(holder) ? previous.transitions() : previous.transitions() + 1;
    return new LeaseRecord(holder, OTHER_HOLDER_DURATION, now, now, transitions);
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS); // what a MicroTime holds
  }

  // --- lifecycle: each start of the election begins on a free lease ----------------------------

  @Override
  public void start() {
    reset();
    running = true;
  }

  @Override
  public void stop() {
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Just below the election's phase: started before it, stopped after it. */
  @Override
  public int getPhase() {
    return LeaderElectionLifecycle.PHASE - 1;
  }

  @Override
  public String toString() {
    return "ControlledLease{" + describe() + ", holder=" + holder() + "}";
  }
}
