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
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
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
 * is retried by the elector, which never gives up. A read that got no answer at all (an I/O
 * error or timeout) is logged at WARN with the API server's address at once, or, with
 * {@code leader.election.fail-on-unreachable=true}, fails startup with an
 * {@link ApiServerUnreachableException}. Verbs other than {@code get} are not
 * probed (that would take writes or access reviews); when one is refused later, the elector
 * logs the same advice at ERROR.
 *
 * <h2>Stop and start again</h2>
 * A stopped election can start again: {@code context.stop()} then {@code context.start()}, or
 * Spring's test context cache pausing a context and restarting it when a later test class
 * uses it. A closed core elector cannot be restarted, so each later start builds a new one (a
 * new term: a new fencing token, elected published again) and points the {@code LeaderElection}
 * bean at it; stopping ends leader work and publishes the lost event like a shutdown. This
 * needs the auto-configured elector: with an application's own {@code LeaderElector} or
 * {@code LeaderElection} bean, a second start fails and says so.
 *
 * <h2>Keeping the JVM alive</h2>
 * The elector's threads are daemons. A worker without a web server would exit as soon as
 * {@code main()} returns; when asked to (see the auto-configuration), a non-daemon thread lives
 * from the start of competing until the stop, and does nothing else.
 */
public class LeaderElectionLifecycle implements SmartLifecycle, DisposableBean {

  /** The lifecycle phase; see the class documentation for why. */
  public static final int PHASE = Integer.MAX_VALUE - 4096;

  private static final Logger log = LoggerFactory.getLogger(LeaderElectionLifecycle.class);

  /** Waits until interrupted: all the keep-alive thread does. */
  private static final Runnable PARK = () -> {
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      // stopped: the thread ends
    }
  };

  private final Supplier<LeaderElector> nextElector;
  private final ElectorLeaderElection view;
  private final boolean compete;
  private final Duration awaitTimeout;
  private final boolean awaitRequested;
  private final Supplier<List<LeadershipListener>> listeners;
  private final LeaseStore preflightStore;
  private final Supplier<String> apiServer;
  private final boolean failOnUnreachable;
  private final boolean keepAlive;
  private volatile LeaderElector elector;
  private volatile boolean running;
  private boolean started;
  private Thread keepAliveThread;

  /**
   * A lifecycle that cannot start again once stopped.
   *
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
   * A lifecycle that cannot start again once stopped.
   *
   * @param elector the elector to start and close
   * @param compete false to never start competing (never-leader mode)
   * @param awaitTimeout how long {@link #start()} waits for leadership, or null not to wait
   * @param listeners listeners to register on the elector before it starts, in order
   * @param preflightStore the store of the elector's lease, read once before competing to
   *     fail startup on a refused permission; null for no pre-flight
   */
  public LeaderElectionLifecycle(LeaderElector elector, boolean compete, Duration awaitTimeout,
      Supplier<List<LeadershipListener>> listeners, LeaseStore preflightStore) {
    this(elector, null, null, compete, awaitTimeout, true, listeners, preflightStore, null, false, false);
  }

  /**
   * The auto-configuration's lifecycle.
   *
   * @param elector the elector of the first start
   * @param nextElector builds the elector of each later start; null when the election cannot
   *     start again (an application's own elector)
   * @param view the LeaderElection bean to point at each new elector; null with nextElector
   * @param compete false to never start competing (never-leader mode)
   * @param awaitTimeout how long {@link #start()} waits for leadership, or null not to wait
   * @param awaitRequested true when the wait is leader.election.await-leadership, false when it
   *     is always-leader taking its in-memory lease (what the log says)
   * @param listeners listeners to register on each elector before it starts, in order
   * @param preflightStore the store read once before competing; null for no pre-flight
   * @param apiServer the API server's URL, for messages; null when unknown
   * @param failOnUnreachable whether a pre-flight read without an answer fails the start
   * @param keepAlive whether to keep a non-daemon thread while competing
   */
  LeaderElectionLifecycle(LeaderElector elector, Supplier<LeaderElector> nextElector, ElectorLeaderElection view,
      boolean compete, Duration awaitTimeout, boolean awaitRequested, Supplier<List<LeadershipListener>> listeners,
      LeaseStore preflightStore, Supplier<String> apiServer, boolean failOnUnreachable, boolean keepAlive) {
    this.elector = elector;
    this.nextElector = nextElector;
    this.view = view;
    this.compete = compete;
    this.awaitTimeout = awaitTimeout;
    this.awaitRequested = awaitRequested;
    this.listeners = listeners;
    this.preflightStore = preflightStore;
    this.apiServer = apiServer;
    this.failOnUnreachable = failOnUnreachable;
    this.keepAlive = keepAlive;
  }

  @Override
  public void start() {
    if (running) {
      return;
    }
    if (started) {
      if (nextElector == null) {
        throw new IllegalStateException("Leader election cannot be restarted once stopped: its elector is the"
            + " application's own LeaderElector (or LeaderElection) bean, and a closed elector cannot start"
            + " again. Close the context instead, or let the starter configure the elector.");
      }
      // A closed elector cannot start again: a new one, a new term. The view first, so that
      // nothing reads the closed elector once the new one runs.
      LeaderElector next = nextElector.get();
      if (view != null) {
        view.use(next);
      }
      elector = next;
    }
    started = true;
    LeaderElector elector = this.elector;
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
    try {
      preflight(config);
      elector.start();
      startKeepAlive(config);
      if (awaitTimeout != null) {
        awaitLeadership(elector, config);
      }
    } catch (RuntimeException | Error e) {
      // A failed start leaves nothing running: no elector, no keep-alive thread.
      running = false;
      stopKeepAlive();
      elector.close();
      throw e;
    }
  }

  /** See "Permission pre-flight" in the class documentation. */
  private void preflight(ElectionConfig config) {
    if (preflightStore == null) {
      return;
    }
    String lease = config.namespace() + "/" + config.leaseName();
    try {
      preflightStore.get();
    } catch (LeaseStoreException.Forbidden e) {
      throw new LeaseAccessDeniedException(RbacAdvice.of(e, config.namespace(), config.leaseName()), e);
    } catch (LeaseStoreException e) {
      if (e.status() != 0) {
        log.debug("Leader election pre-flight read of {} failed; the elector keeps trying: {}",
            preflightStore.describe(), e.getMessage());
        return;
      }
      // No answer at all: the server is down, or the address, network or certificates are wrong.
      // Said at once, not only after the elector's third failure in a row.
      String where = apiServer();
      if (failOnUnreachable) {
        throw new ApiServerUnreachableException(where, lease, e);
      }
      log.warn("Leader election could not reach the Kubernetes API server at {} to read lease {}: {}."
          + " The elector keeps trying; set leader.election.fail-on-unreachable=true to fail startup instead.",
          where, lease, e.getMessage());
    }
  }

  private String apiServer() {
    try {
      String url = apiServer != null ? apiServer.get() : null;
      return url != null ? url : "(unknown address)";
    } catch (RuntimeException e) {
      return "(unknown address: " + e.getMessage() + ")";
    }
  }

  private void awaitLeadership(LeaderElector elector, ElectionConfig config) {
    String lease = config.namespace() + "/" + config.leaseName();
    if (awaitRequested) {
      log.info("Waiting up to {}s for leadership of lease {} (leader.election.await-leadership)",
          awaitTimeout.toSeconds(), lease);
    } else {
      // Always-leader waits for its in-memory lease, which takes milliseconds, whatever
      // await-leadership says: the log says that, not a wait of await-timeout.
      log.info("Leader election mode always-leader: taking the in-memory lease {} before startup continues",
          lease);
    }
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

  /**
   * Closes the elector; returns once the lease is released or the shutdown bound passed. The
   * keep-alive thread ends after that, so the JVM stays up for the release.
   */
  @Override
  public void stop() {
    running = false;
    try {
      elector.close();
    } finally {
      stopKeepAlive();
    }
  }

  /**
   * When the context fails to start after this lifecycle started (say the web server cannot
   * bind its port), Spring destroys the beans without stopping the lifecycle: the keep-alive
   * thread must not keep the failed application's JVM alive.
   */
  @Override
  public void destroy() {
    running = false;
    stopKeepAlive();
    if (elector != null) {
      elector.close();
    }
  }

  private synchronized void startKeepAlive(ElectionConfig config) {
    if (!keepAlive || keepAliveThread != null) {
      return;
    }
    Thread thread = new Thread(PARK, "leader-election-keep-alive-" + config.leaseName());
    thread.setDaemon(false);
    thread.start();
    keepAliveThread = thread;
  }

  private synchronized void stopKeepAlive() {
    Thread thread = keepAliveThread;
    keepAliveThread = null;
    if (thread == null) {
      return;
    }
    thread.interrupt();
    try {
      thread.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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
