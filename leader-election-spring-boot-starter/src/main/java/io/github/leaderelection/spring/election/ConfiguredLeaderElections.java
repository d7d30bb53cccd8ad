package io.github.leaderelection.spring.election;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.spring.LeaderElections;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * The {@link LeaderElections} bean: the default election (the {@code LeaderElection} bean, run
 * by its own lifecycle) and the named ones, which this bean starts and stops, in the same phase
 * as the default one and for the same reasons (see {@link LeaderElectionLifecycle}).
 *
 * <p>Named elections start one after the other, each waiting for its leadership when it is
 * configured to; a failed start stops the ones started before it. They stop in parallel, since
 * each stop waits for its leader work and its release, so shutdown takes as long as the slowest
 * election, not the sum.
 */
public final class ConfiguredLeaderElections implements LeaderElections, SmartLifecycle, DisposableBean {

  /** One named election: what it runs with, its view, its lifecycle, its event recorder (or null). */
  record Named(NamedElectionSettings settings, ElectorLeaderElection election, LeaderElectionLifecycle lifecycle,
      KubernetesEventRecorder recorder) {}

  private final LeaderElection defaultElection;
  private final ElectionConfig defaultConfig;
  private final Map<String, Named> named;
  private final Set<String> names;
  private volatile boolean running;

  ConfiguredLeaderElections(LeaderElection defaultElection, ElectionConfig defaultConfig, List<Named> named) {
    this.defaultElection = defaultElection;
    this.defaultConfig = defaultConfig;
    Map<String, Named> byName = new LinkedHashMap<>();
    named.forEach(n -> byName.put(n.settings().name(), n));
    this.named = Collections.unmodifiableMap(byName);
    List<String> all = new ArrayList<>();
    all.add(DEFAULT);
    all.addAll(byName.keySet());
    this.names = Collections.unmodifiableSet(new java.util.LinkedHashSet<>(all));
  }

  @Override
  public LeaderElection get(String name) {
    if (name == null || name.isEmpty() || name.equals(DEFAULT)) {
      return defaultElection;
    }
    Named n = named.get(name);
    if (n == null) {
      throw new NoSuchElectionException(name, names);
    }
    return n.election();
  }

  @Override
  public Set<String> names() {
    return names;
  }

  /**
   * The configuration an election runs with, as {@link #get} names them.
   *
   * @throws NoSuchElectionException when no election has that name
   */
  public ElectionConfig config(String name) {
    if (name == null || name.isEmpty() || name.equals(DEFAULT)) {
      return defaultConfig;
    }
    Named n = named.get(name);
    if (n == null) {
      throw new NoSuchElectionException(name, names);
    }
    return n.settings().config();
  }

  /**
   * The lease name of each named election, by name, in the order configured, from the
   * configuration alone: for beans that must not create the elections (meters bound while the
   * registry is set up, which may happen within the creation of an elector).
   */
  public static Map<String, String> namedLeaseNames(LeaderElectionProperties properties, ElectionConfig defaults) {
    Map<String, String> leases = new LinkedHashMap<>();
    // competes=true: await settings are not what is asked here, and are validated when the elections are built.
    NamedElectionSettings.all(properties, defaults, true).forEach(n -> leases.put(n.name(), n.config().leaseName()));
    return leases;
  }

  /** The named elections, in the order configured. */
  Map<String, Named> named() {
    return named;
  }

  @Override
  public void start() {
    List<LeaderElectionLifecycle> started = new ArrayList<>();
    try {
      for (Named n : named.values()) {
        n.lifecycle().start();
        started.add(n.lifecycle());
      }
    } catch (RuntimeException | Error e) {
      started.forEach(LeaderElectionLifecycle::stop); // nothing half-started stays running
      throw e;
    }
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (Named n : named.values()) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      // Own threads, not a shared pool: a stop blocks for as long as its release takes.
      Thread t = new Thread(() -> {
        try {
          n.lifecycle().stop();
          done.complete(null);
        } catch (Throwable e) {
          done.completeExceptionally(e);
        }
      }, "leader-election-stop-" + n.settings().name());
      t.start();
      stops.add(done);
    }
    CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
  }

  /** A context that failed to start is destroyed without a stop: nothing may keep running. */
  @Override
  public void destroy() {
    running = false;
    named.values().forEach(n -> {
      n.lifecycle().destroy();
      if (n.recorder() != null) {
        try {
          n.recorder().destroy();
        } catch (Exception e) {
          // closing a recorder's executor; nothing to do about a failure
        }
      }
    });
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return LeaderElectionLifecycle.PHASE;
  }

  @Override
  public String toString() {
    return "leader elections " + names;
  }
}
