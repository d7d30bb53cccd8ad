package io.github.leaderelection.spring.test;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.LeaseStore;
import io.github.leaderelection.spring.election.ElectionLeaseStoreFactory;
import io.github.leaderelection.spring.election.LeaderElectionLifecycle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;

/**
 * The lease store of each named election ({@code leader.election.elections.<name>}) in a test:
 * a {@link ControlledLease}, as the default election's, kept by election name so that
 * {@link LeadershipControl#election(String)} controls the lease the election's elector really
 * uses. The starter asks for one store per named election while it builds them.
 *
 * <p>The named leases are not beans of their own: a second {@code LeaseStore} bean would make
 * the default election's store ambiguous for the starter. So this factory is the lifecycle of
 * all of them, in the phase in which the default lease is its own: started just before the
 * elections, each lease reset to free, so that every start of the context (the first, and each
 * restart of a context that Spring's test context cache paused) begins on free leases.
 */
final class ControlledLeaseFactory implements ElectionLeaseStoreFactory, SmartLifecycle {

  private final Object lock = new Object();
  private final Map<String, ControlledLease> leases = new LinkedHashMap<>(); // guarded by lock
  private volatile boolean running;

  @Override
  public LeaseStore create(String election, ElectionConfig config) {
    Objects.requireNonNull(election, "election");
    ControlledLease lease = new ControlledLease(config);
    synchronized (lock) {
      // The starter builds each named election once per context; a second store for the same
      // name would be a second elector, and the control must follow the one that runs, the last.
      leases.put(election, lease);
    }
    if (running) {
      lease.start(); // made after the start (not by the starter today): begins free, as the others did
    }
    return lease;
  }

  /** The lease of the named election {@code election}, or null when this factory made none for it. */
  @Nullable ControlledLease lease(String election) {
    synchronized (lock) {
      return leases.get(election);
    }
  }

  private List<ControlledLease> all() {
    synchronized (lock) {
      return new ArrayList<>(leases.values());
    }
  }

  @Override
  public void start() {
    all().forEach(ControlledLease::start);
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    all().forEach(ControlledLease::stop);
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** As the default election's lease: started before the elections, stopped after them. */
  @Override
  public int getPhase() {
    return LeaderElectionLifecycle.PHASE - 1;
  }

  @Override
  public String toString() {
    return "ControlledLeaseFactory" + all();
  }
}
