package io.github.leaderelection.spring.election;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.LeaderElector;
import io.github.leaderelection.core.LeadershipListener;
import io.github.leaderelection.core.LeaseStore;
import io.github.leaderelection.core.LeaseStoreException;
import io.github.leaderelection.spring.diagnostics.LeaseAccessDeniedException;
import io.github.leaderelection.spring.diagnostics.RbacAdvice;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the election when the application context starts and stops it when the context
 * closes. Stopping closes the core elector, which in this order: stops acting as leader,
 * lets the lost-listeners run (running {@code @LeaderOnly} calls are interrupted or waited
 * for, then {@code OnLeaderLostEvent} is published), and releases the lease.
 *
 * <h2>Phase</h2>
 * {@value #PHASE} ({@code Integer.MAX_VALUE - 4096}). Spring stops lifecycle beans from the
 * highest phase down and starts them from the lowest up, so this phase sits:
 * <ul>
 *   <li>below Spring Boot's web server phases (graceful shutdown at {@code MAX_VALUE - 1024},
 *       server start/stop at {@code MAX_VALUE - 2048}) and below the default phase
 *       ({@code MAX_VALUE}, e.g. message listener containers): everything that may call
 *       leader-only code from a request or a message has stopped, and in-flight requests
 *       drained while this instance still led, before leadership is given up. On startup the
 *       election starts before the web server, so with {@code await-leadership} no request is
 *       served before this instance leads;</li>
 *   <li>above the task executors and schedulers ({@code ThreadPoolTaskScheduler}: phase
 *       {@code MAX_VALUE / 2}). A scheduler's stop waits for its running tasks; stopping the
 *       election first means a running {@code @Scheduled @LeaderOnly(onLoss = INTERRUPT)} call
 *       is interrupted at once instead of holding up the scheduler's phase, a {@code FINISH}
 *       call is waited for by the lost-listener, and the lease is released while the
 *       scheduler is still up (it already stopped firing new runs when the context closed,
 *       and any late run is skipped because this instance no longer leads).</li>
 * </ul>
 *
 * <h2>Permission pre-flight</h2>
 * Before competing, {@link #start()} reads the lease once through the given store. When the
 * API server refuses (HTTP 403), startup fails with a {@link LeaseAccessDeniedException},
 * which a failure analyzer explains with the Role and RoleBinding to apply: a missing
 * permission does not fix itself, and an instance that cannot read its lease never leads,
 * so failing the rollout of the first pod beats a fleet of silent followers. It is one GET,
 * bounded by the request timeout. Any other outcome lets startup go on: a missing lease
 * (404) is normal before the first leader creates it, and an unreachable or failing server
 * is retried by the elector, which never gives up. Verbs other than {@code get} are not
 * probed (that would take writes or access reviews); when one is refused later, the elector
 * logs the same advice at ERROR.
 *
 * <p>The core elector cannot be restarted: after {@link #stop()} the context must be closed.
 */
public class LeaderElectionLifecycle implements SmartLifecycle {

  /** The lifecycle phase; see the class documentation for why. */
  public static final int PHASE = Integer.MAX_VALUE - 4096;

  private static final Logger log = LoggerFactory.getLogger(LeaderElectionLifecycle.class);

  private final LeaderElector elector;
  private final boolean compete;
  private final Duration awaitTimeout;
  private final Supplier<List<LeadershipListener>> listeners;
  private final LeaseStore preflightStore;
  private volatile boolean running;
  private boolean started;

  /**
   * @param elector the elector to start and close
   * @param compete false to never start competing (never-leader mode)
   * @param awaitTimeout how long {@link #start()} waits for leadership, or null not to wait
   * @param listeners listeners to register on the elector before it starts, in order
   */
  public LeaderElectionLifecycle(LeaderElector elector, boolean compete, Duration awaitTimeout,
      Supplier<List<LeadershipListener>> listeners) {
    this(elector, compete, awaitTimeout, listeners, null);
  }

  /**
   * @param elector the elector to start and close
   * @param compete false to never start competing (never-leader mode)
   * @param awaitTimeout how long {@link #start()} waits for leadership, or null not to wait
   * @param listeners listeners to register on the elector before it starts, in order
   * @param preflightStore the store of the elector's lease, read once before competing to
   *     fail startup on a refused permission; null for no pre-flight
   */
  public LeaderElectionLifecycle(LeaderElector elector, boolean compete, Duration awaitTimeout,
      Supplier<List<LeadershipListener>> listeners, LeaseStore preflightStore) {
    this.elector = elector;
    this.compete = compete;
    this.awaitTimeout = awaitTimeout;
    this.listeners = listeners;
    this.preflightStore = preflightStore;
  }

  @Override
  public void start() {
    if (started) {
      if (!running) {
        throw new IllegalStateException("Leader election cannot be restarted once stopped; close the context");
      }
      return;
    }
    started = true;
    // Registered here rather than when the elector bean is built, so a listener bean may
    // depend on the LeaderElection bean without a cycle.
    listeners.get().forEach(elector::addListener);
    running = true;
    ElectionConfig config = elector.config();
    if (!compete) {
      log.info("Leader election mode never-leader: {} does not compete for lease {}/{}",
          config.identity(), config.namespace(), config.leaseName());
      return;
    }
    preflight(config);
    elector.start();
    if (awaitTimeout != null) {
      awaitLeadership(config);
    }
  }

  /** See "Permission pre-flight" in the class documentation. */
  private void preflight(ElectionConfig config) {
    if (preflightStore == null) {
      return;
    }
    try {
      preflightStore.get();
    } catch (LeaseStoreException.Forbidden e) {
      running = false;
      throw new LeaseAccessDeniedException(RbacAdvice.of(e, config.namespace(), config.leaseName()), e);
    } catch (LeaseStoreException e) {
      log.debug("Leader election pre-flight read of {} failed; the elector keeps trying: {}",
          preflightStore.describe(), e.getMessage());
    }
  }

  private void awaitLeadership(ElectionConfig config) {
    String lease = config.namespace() + "/" + config.leaseName();
    log.info("Waiting up to {}s for leadership of lease {}", awaitTimeout.toSeconds(), lease);
    try {
      if (!elector.awaitLeadership(awaitTimeout)) {
        throw new LeadershipNotAcquiredException(lease, config.identity(), awaitTimeout,
            elector.status().holder());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for leadership of lease " + lease, e);
    }
  }

  /** Closes the elector; returns once the lease is released or the shutdown bound passed. */
  @Override
  public void stop() {
    running = false;
    elector.close();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
