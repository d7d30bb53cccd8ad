package io.github.leaderelection.spring.election;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.Ticker;
import io.github.leaderelection.core.balance.BalancePlan;
import io.github.leaderelection.core.balance.BalancedElection;
import io.github.leaderelection.core.balance.LeadershipBalancer;
import io.github.leaderelection.core.balance.LeaseMembership;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the core's balancing ({@link LeadershipBalancer} over a {@link LeaseMembership}) for the
 * balanced elections ({@code leader.election.balance.*}). It only adapts: the plan, the member
 * Lease and every safety rule are the core's.
 *
 * <p>Its phase is one after the elections': it starts after them (their electors hold back
 * from birth until its first plan) and stops before them, so an instance leaves the group
 * before it releases its leases, and the others know at once who takes each one.
 */
final class LeadershipBalancing implements SmartLifecycle, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(LeadershipBalancing.class);

  private final BalanceSettings settings;
  private final ElectionConfig defaults;
  private final Supplier<List<BalancedElection>> elections;
  private final SharedWatches watches;
  private final boolean onKubernetes;

  // Guarded by this. A new membership and balancer for every start: the context may be stopped
  // and started again (the test context cache does so).
  private LeaseMembership membership;
  private LeadershipBalancer balancer;

  LeadershipBalancing(BalanceSettings settings, ElectionConfig defaults, Supplier<List<BalancedElection>> elections,
      SharedWatches watches, boolean onKubernetes) {
    this.settings = settings;
    this.defaults = defaults;
    this.elections = elections;
    this.watches = watches;
    this.onKubernetes = onKubernetes;
  }

  @Override
  public synchronized void start() {
    if (balancer != null) {
      return;
    }
    List<BalancedElection> balanced = elections.get();
    if (!onKubernetes) {
      log.info("Leader election balancing is on but the elections are local (not on Kubernetes): nothing to balance");
      balanced.forEach(e -> e.holdBack(Duration.ZERO));
      return;
    }
    LeaseMembership m = new LeaseMembership(settings.group(), defaults, watches.shared(defaults),
        name -> watches.plain(defaults, name), Ticker.SYSTEM);
    LeadershipBalancer b = new LeadershipBalancer(defaults.identity(), m, balanced, settings.holdBack(),
        settings.settleTime(), Ticker.SYSTEM);
    m.start();
    // A round costs no request: often enough that a receiver learns its role well within a hold-back.
    b.start(min(settings.holdBack().dividedBy(4), Duration.ofMillis(500)));
    membership = m;
    balancer = b;
    log.info("Balancing {} elections in group {} (hold-back {}, settle time {})", balanced.size(), settings.group(),
        settings.holdBack(), settings.settleTime());
  }

  @Override
  public synchronized void stop() {
    if (balancer != null) {
      balancer.close();
      membership.close(); // the others see this instance leave before its leases are released
      balancer = null;
      membership = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return balancer != null;
  }

  @Override
  public int getPhase() {
    return LeaderElectionLifecycle.PHASE + 1;
  }

  @Override
  public void destroy() {
    stop();
  }

  /** The last plan; null when not balancing or before the first round. */
  synchronized BalancePlan plan() {
    return balancer == null ? null : balancer.plan();
  }

  /** The group's name. */
  String group() {
    return settings.group();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
