package io.github.leaderelection.spring.election;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.ElectionObserver;
import io.github.leaderelection.core.LeaderElector;
import io.github.leaderelection.core.LeaseStore;
import io.github.leaderelection.spring.diagnostics.RbacDiagnosingLeaseStore;
import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Builds the auto-configured core elector: the {@code LeaderElector} bean, and a new one for
 * each later start of the election, since a closed elector cannot be restarted. Every elector
 * gets the same configuration, lease store and {@link ElectionObserver} beans (metrics), so a
 * restarted election is the same election in a new term, and the same thread factory (virtual
 * threads with {@code spring.threads.virtual.enabled}, else the core's named daemon threads).
 */
final class LeaderElectorFactory {

  private final ElectionConfig config;
  private final LeaseStore leaseStore;
  private final Supplier<Stream<ElectionObserver>> observers;
  /** The elector's election, request and listener threads; null for the core's default. */
  private final ThreadFactory threadFactory;
  /** The hold-back each new elector starts with (balancing); zero for none. */
  private final Duration birthHoldBack;
  /** Weak: electors of past starts are dropped when nothing else holds them. */
  private final Set<LeaderElector> built = Collections.synchronizedSet(
      Collections.newSetFromMap(new WeakHashMap<LeaderElector, Boolean>()));

  LeaderElectorFactory(ElectionConfig config, LeaseStore leaseStore, ObjectProvider<ElectionObserver> observers,
      ThreadFactory threadFactory) {
    this(config, leaseStore, (Supplier<Stream<ElectionObserver>>) observers::orderedStream, threadFactory,
        Duration.ZERO);
  }

  /**
   * @param observers the observers of each new elector, in order
   * @param birthHoldBack how long each new elector holds back from a free lease until told
   *     otherwise: with balancing, until the balancer's first plan, so instances starting
   *     together do not let the first one take everything
   */
  LeaderElectorFactory(ElectionConfig config, LeaseStore leaseStore, Supplier<Stream<ElectionObserver>> observers,
      ThreadFactory threadFactory, Duration birthHoldBack) {
    this.config = config;
    this.leaseStore = leaseStore;
    this.observers = observers;
    this.threadFactory = threadFactory;
    this.birthHoldBack = birthHoldBack;
  }

  /**
   * A new elector, not started. Its store explains refused requests (HTTP 403) with the RBAC
   * to apply, see {@link RbacDiagnosingLeaseStore}.
   */
  LeaderElector create() {
    LeaderElector.Builder builder = LeaderElector.builder(config,
        new RbacDiagnosingLeaseStore(leaseStore, config.namespace(), config.leaseName()));
    observers.get().forEach(builder::observer);
    if (threadFactory != null) {
      builder.threadFactory(threadFactory);
    }
    LeaderElector elector = builder.build();
    if (!birthHoldBack.isZero()) {
      elector.deferAcquisition(birthHoldBack);
    }
    built.add(elector);
    return elector;
  }

  /**
   * Whether this factory built {@code elector}: only then is a new elector from this factory
   * the same election (an application's own elector bean may run another one).
   */
  boolean built(LeaderElector elector) {
    return built.contains(elector);
  }
}
