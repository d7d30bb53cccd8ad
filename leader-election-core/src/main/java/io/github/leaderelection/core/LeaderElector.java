package io.github.leaderelection.core;

import io.github.leaderelection.core.machine.Action;
import io.github.leaderelection.core.machine.ElectionMachine;
import io.github.leaderelection.core.machine.Event;
import io.github.leaderelection.core.machine.LeaseView;
import io.github.leaderelection.core.machine.Now;
import io.github.leaderelection.core.machine.Request;
import io.github.leaderelection.core.machine.Role;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elects one leader among the candidates that share a Lease, following the project's election
 * contract (docs/election-semantics.md); rule numbers in comments refer to it.
 *
 * <p>In short: a follower watches the Lease and keeps a timer for its expiry, judged as the
 * local monotonic instant it first saw the current record plus the record's duration. When
 * the lease is free (absent, released or expired) it writes itself in, conditional on the
 * resourceVersion it read; only that successful write makes it leader. The leader renews every
 * retry period and acts as leader only until {@code lastRenewalSentAt + renewDeadline}, so a
 * paused or cut-off leader stops acting before any rival can take over.
 *
 * <p>The algorithm is a pure state machine ({@link ElectionMachine}); this class only drives it:
 * every decision runs on one election thread that never does I/O, requests run on a request
 * thread, listeners on a listener thread. A blocking request therefore never delays the end of
 * acting or the lost notification (rule 24).
 *
 * <pre>{@code
 * try (LeaderElector elector = LeaderElector.builder(config, new KubernetesLeaseStore(apiClient, config))
 *     .listener(myListener).build()) {
 *   elector.start();
 *   ...
 * }
 * }</pre>
 */
public final class LeaderElector implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LeaderElector.class);
  private static final AtomicInteger THREAD_IDS = new AtomicInteger();

  private static final int FAILURES_BEFORE_WARN = 3;

  private enum Phase { NEW, RUNNING, CLOSING, CLOSED }

  /** What readers on any thread see: published after every step of the machine. */
  private record Snapshot(Role role, LeaseView view, String lastError) {}

  // --- wiring ---------------------------------------------------------------------------------
  private final ElectionConfig config;
  private final LeaseStore store;
  private final Ticker ticker;
  private final Clock clock;
  private final List<ElectionObserver> observers;
  private final ElectorScheduler thread;
  private final Executor requests;
  private final List<ExecutorService> ownedExecutors = new ArrayList<>();
  private final ListenerDispatcher listeners;
  private final ElectionMachine machine;
  private final LeaseFeed feed;
  private final Object leadershipMonitor = new Object();
  private final CompletableFuture<Void> shutdownDone = new CompletableFuture<>();

  // --- state: phase and snapshot for any thread; the rest on the election thread only -------------
  private volatile Phase phase = Phase.NEW;
  private volatile Snapshot snapshot;
  private ElectorScheduler.Task wakeUp;
  private final List<CompletableFuture<Boolean>> stepDowns = new ArrayList<>();
  private final Map<String, String> loggedForbidden = new HashMap<>(); // operation -> message
  private int failuresInARow;

  private LeaderElector(Builder b) {
    this.config = b.config;
    this.store = b.store;
    this.ticker = b.ticker;
    this.clock = b.clock;
    this.observers = List.copyOf(b.observers);
    String name = "leader-elector-" + config.leaseName() + "-" + THREAD_IDS.incrementAndGet();
    this.thread = b.scheduler != null ? b.scheduler
        : new ThreadElectorScheduler(b.threadFactory != null ? b.threadFactory : daemonThreads(name));
    this.requests = b.requestExecutor != null ? b.requestExecutor
        : owned(Executors.newSingleThreadExecutor(factory(b, name + "-requests")));
    Executor listenerThread = b.listenerExecutor != null ? b.listenerExecutor
        : owned(Executors.newSingleThreadExecutor(factory(b, name + "-events")));
    this.listeners = new ListenerDispatcher(listenerThread, store.describe());
    b.listeners.forEach(listeners::add);
    this.machine = new ElectionMachine(config);
    this.feed = new LeaseFeed(store, thread, config.retryPeriod(), this::step);
    this.snapshot = new Snapshot(machine.role(), machine.view(), null);
  }

  /** A builder for an elector on {@code store} with {@code config}. */
  public static Builder builder(ElectionConfig config, LeaseStore store) {
    return new Builder(config, store);
  }

  // =============================================================================================
  // Public API
  // =============================================================================================

  /** Starts competing. Returns at once; leadership is announced to listeners. */
  public synchronized void start() {
    if (phase != Phase.NEW) {
      throw new IllegalStateException("Leader elector for " + store.describe() + " was already started");
    }
    phase = Phase.RUNNING;
    log.info("Starting leader election for lease {} as {} (leaseDuration={}, renewDeadline={}, retryPeriod={})",
        store.describe(), config.identity(), Durations.format(config.leaseDuration()),
        Durations.format(config.renewDeadline()), Durations.format(config.retryPeriod()));
    config.interoperabilityWarnings().forEach(w -> log.warn("Leader election for lease {}: {}", store.describe(), w));
    thread.execute(() -> {
      feed.start();
      step(new Event.Start());
    });
  }

  /**
   * Whether this candidate is the acting leader now. Time-bounded (rule 3): true only while
   * less than the renew deadline has passed since the last successful renewal was sent, so it
   * answers false at once after a pause longer than that, before any loop has run.
   */
  public boolean isLeader() {
    return acting(snapshot.role) != null;
  }

  /** The holder last observed on the lease; empty when nobody holds it or it was not read yet. */
  public Optional<String> currentHolder() {
    VersionedLease lease = snapshot.view.lease();
    return lease == null || !lease.record().isHeld() ? Optional.empty() : Optional.of(lease.record().holder());
  }

  /** The current term while this candidate is the acting leader (rule 3 applies). */
  public Optional<LeadershipTerm> currentTerm() {
    Role.Leading l = acting(snapshot.role);
    return l == null ? Optional.empty() : Optional.of(l.term());
  }

  /** The fencing token of the current term (rule 6), empty when not the acting leader. */
  public OptionalLong fencingToken() {
    Role.Leading l = acting(snapshot.role);
    return l == null ? OptionalLong.empty() : OptionalLong.of(l.term().fencingToken());
  }

  /** This candidate's identity. */
  public String identity() {
    return config.identity();
  }

  /** The configuration this elector runs with. */
  public ElectionConfig config() {
    return config;
  }

  /**
   * Waits until this candidate is the acting leader.
   *
   * @return true when leader, false when the timeout passed or the elector closed first; never
   *     true without leadership
   */
  public boolean awaitLeadership(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (leadershipMonitor) {
      while (true) {
        if (isLeader()) {
          return true;
        }
        if (phase == Phase.CLOSING || phase == Phase.CLOSED) {
          return false;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        // Wake at least every renew deadline: leadership can lapse without a notification.
        TimeUnit.NANOSECONDS.timedWait(leadershipMonitor, Math.min(left, config.renewDeadline().toNanos()));
      }
    }
  }

  /**
   * Gives up leadership on purpose: stops acting, notifies listeners, and once they returned
   * releases the lease so another candidate takes over at once; then stays out of the race for
   * the configured cool-down before competing again. Does nothing but the cool-down when not
   * leader. If the listeners (leader work) do not return within the shutdown timeout, the lease
   * is not released but left to expire (rule 23).
   *
   * @return completes with true once the lease was released, false when this candidate was
   *     not the leader or the lease was left to expire; always completes, also when the elector
   *     closes meanwhile
   */
  public CompletableFuture<Boolean> stepDown() {
    CompletableFuture<Boolean> result = new CompletableFuture<>();
    if (phase != Phase.RUNNING) {
      result.complete(false);
      return result;
    }
    thread.execute(() -> {
      if (phase == Phase.CLOSED || machine.role() instanceof Role.Closed) {
        result.complete(false);
        return;
      }
      stepDowns.add(result);
      if (machine.role() instanceof Role.Leading) {
        log.info("Stepping down from lease {} (cool-down {})", store.describe(),
            Durations.format(config.stepDownCooldown()));
      }
      step(new Event.StepDown());
    });
    return result;
  }

  /**
   * From now on, competes for a free lease (released, expired or absent) only {@code holdBack}
   * after it became free, so that other candidates get it first; {@link Duration#ZERO} (the
   * default) competes at once. Leadership held now is not affected, and a lease whose record
   * names this candidate is re-acquired at once. Holding back only delays a takeover: it cannot
   * make two leaders. Balancing uses it to steer free leases to the candidates below their share.
   *
   * @throws IllegalArgumentException if {@code holdBack} is negative
   */
  public void deferAcquisition(Duration holdBack) {
    Event.Defer defer = new Event.Defer(holdBack);
    if (phase == Phase.CLOSED) {
      return;
    }
    post(defer);
  }

  /** Adds a listener; it receives notifications from the next change on. */
  public void addListener(LeadershipListener listener) {
    listeners.add(listener);
  }

  /** Removes a listener. */
  public void removeListener(LeadershipListener listener) {
    listeners.remove(listener);
  }

  /** A snapshot of the elector's state. */
  public ElectionStatus status() {
    Snapshot s = snapshot; // one read: the fields below are consistent with each other
    ElectionStatus.State state = switch (phase) {
      case NEW -> ElectionStatus.State.NEW;
      case RUNNING -> ElectionStatus.State.RUNNING;
      case CLOSING, CLOSED -> ElectionStatus.State.CLOSED;
    };
    LeaseRecord r = s.view.lease() == null ? LeaseRecord.EMPTY : s.view.lease().record();
    Role.Leading acting = acting(s.role);
    Duration sinceRenewal = s.role instanceof Role.Leading l ? Duration.ofNanos(ticker.nanoTime() - l.renewSentAt()) : null;
    return new ElectionStatus(state, acting != null, config.identity(), config.leaseName(), config.namespace(),
        r.holder(), r.transitions(), r.acquireTime(), r.renewTime(),
        acting == null ? null : acting.term(), sinceRenewal, s.lastError);
  }

  /**
   * Stops competing. When leader: stops acting, notifies listeners of the loss (waiting up to
   * the shutdown timeout for them, so leader work can finish first), then releases the lease
   * with a compare-and-set if so configured (rule 5); if they do not return in time the lease is
   * left to expire instead (rule 23). Idempotent; returns within a bound and leaves no threads
   * behind.
   */
  @Override
  public void close() {
    CompletableFuture<Void> done = closeAsync();
    // The shutdown timeout, then a release's worst case: each of its reads and writes at most one
    // request timeout, and an acquiring write that was in flight at close.
    long bound = config.shutdownTimeout().toNanos()
        + (2L * 3 + 2) * config.requestTimeout().toNanos() + TimeUnit.SECONDS.toNanos(1);
    try {
      done.get(bound, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      log.warn("Leader election for {} did not shut down cleanly within {}", store.describe(),
          Durations.format(Duration.ofNanos(bound)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("Leader election for {} failed while shutting down", store.describe(), e);
    } finally {
      boolean first;
      synchronized (this) {
        first = phase != Phase.CLOSED;
        phase = Phase.CLOSED;
      }
      if (first) {
        stopThreads();
        wakeWaiters();
        log.info("Stopped leader election for lease {} as {}", store.describe(), config.identity());
      }
    }
  }

  /**
   * Starts the shutdown sequence of {@link #close()} without waiting for it or stopping the
   * threads (package-private: deterministic tests drive the threads themselves).
   */
  CompletableFuture<Void> closeAsync() {
    Phase was;
    synchronized (this) {
      was = phase;
      if (was == Phase.NEW || was == Phase.RUNNING) {
        phase = Phase.CLOSING;
      }
    }
    if (was == Phase.NEW) {
      shutdownDone.complete(null);
    } else if (was == Phase.RUNNING) {
      wakeWaiters();
      thread.execute(() -> {
        feed.close();
        step(new Event.Close());
      });
    }
    return shutdownDone;
  }

  // =============================================================================================
  // The driver: everything below runs on the election thread, except what it hands off.
  // =============================================================================================

  /** One step of the machine, then its actions, then the next wake-up. */
  private void step(Event event) {
    if (machine.role() instanceof Role.Closed) {
      return;
    }
    if (event instanceof Event.Answer) {
      failuresInARow = 0;
    }
    List<Action> actions;
    try {
      actions = machine.handle(event, now());
    } catch (RuntimeException e) {
      // A bug, not a condition: say so loudly; the next tick tries again (rule 25).
      log.error("Leader election step for {} failed on {}", store.describe(), event, e);
      actions = List.of();
    }
    LeaseStoreException error = machine.lastError();
    snapshot = new Snapshot(machine.role(), machine.view(), error == null ? null : error.getMessage());
    for (Action a : actions) {
      try {
        perform(a);
      } catch (RuntimeException e) {
        log.error("Leader election action {} for {} failed", a, store.describe(), e);
      }
    }
    rearm();
  }

  private void rearm() {
    if (wakeUp != null) {
      wakeUp.cancel();
      wakeUp = null;
    }
    long at = machine.wakeAt();
    if (at != Long.MAX_VALUE && !(machine.role() instanceof Role.Closed)) {
      wakeUp = thread.schedule(() -> step(new Event.Tick()), at - ticker.nanoTime());
    }
  }

  private void perform(Action action) {
    if (action instanceof Action.Send s) {
      send(s.request());
    } else if (action instanceof Action.Elected e) {
      log.info("Became leader of lease {} as {} (fencing token {})", store.describe(), config.identity(),
          e.term().fencingToken());
      observe(o -> o.acquired(e.term(), e.sinceCandidacy()));
      listeners.notify(l -> l.onElected(e.term()), () -> post(new Event.Delivered(e.announcementId())));
      wakeWaiters();
    } else if (action instanceof Action.Lost l) {
      log.info("Stopped leading lease {} as {}: {}", store.describe(), config.identity(), l.reason());
      observe(o -> o.lost(l.term(), l.reason()));
      listeners.notify(x -> x.onLost(l.term(), l.reason()), () -> post(new Event.Delivered(l.announcementId())));
      wakeWaiters();
    } else if (action instanceof Action.NewLeader n) {
      listeners.notify(l -> l.onNewLeader(n.identity()), () -> {});
    } else if (action instanceof Action.RestartWatch) {
      feed.restart();
    } else if (action instanceof Action.Renewed r) {
      observe(o -> o.renewed(r.sentAt(), r.latency()));
    } else if (action instanceof Action.RequestFailed f) {
      failed(f);
    } else if (action instanceof Action.DrainTimedOut d) {
      LeadershipListener still = listeners.running();
      log.warn("Leader work for lease {} did not stop within the shutdown timeout ({}); still running: {}."
              + " Not releasing the lease: it expires on its own after the lease duration ({}).",
          store.describe(), Durations.format(d.waited()), still == null ? "a lost-listener" : still,
          Durations.format(config.leaseDuration()));
    } else if (action instanceof Action.ReleaseSkipped s) {
      log.info("Not releasing lease {}: it is no longer held by {} (holder now \"{}\")", store.describe(),
          config.identity(), s.holder());
    } else if (action instanceof Action.Released r) {
      log.info("Released lease {} (fencing token {})", store.describe(), r.term().fencingToken());
    } else if (action instanceof Action.StepDownDone d) {
      completeStepDowns(d.released());
    } else if (action instanceof Action.Closed) {
      completeStepDowns(false);
      feed.close();
      shutdownDone.complete(null);
      wakeWaiters();
    }
  }

  /** Runs one request off the election thread; its outcome comes back as an event (rule 24). */
  private void send(Request r) {
    try {
      requests.execute(() -> {
        Event outcome;
        try {
          VersionedLease result = switch (r.op()) {
            case GET -> store.get();
            case CREATE -> store.create(r.record());
            case UPDATE -> store.update(r.base(), r.record());
          };
          outcome = new Event.Answer(r.id(), result);
        } catch (LeaseStoreException e) {
          outcome = new Event.Failure(r.id(), e);
        } catch (RuntimeException | Error e) {
          // Anything below the elector (a model that cannot parse a field, a client bug) is one
          // more failed request: retried, reported, never the end of the election (rule 25).
          outcome = new Event.Failure(r.id(), new LeaseStoreException(
              verb(r) + " lease " + store.describe() + " failed unexpectedly: " + e, 0, e));
        }
        post(outcome);
      });
    } catch (RuntimeException e) {
      post(new Event.Failure(r.id(), new LeaseStoreException(
          verb(r) + " lease " + store.describe() + " could not be started: " + e, 0, e)));
    }
  }

  private void post(Event event) {
    thread.execute(() -> step(event));
  }

  private void failed(Action.RequestFailed f) {
    LeaseStoreException e = f.error();
    String operation = operation(f.request());
    observe(o -> o.apiError(operation, e.status()));
    if (f.request().purpose() == Request.Purpose.RENEW) {
      observe(o -> o.renewFailed(f.latency(), e));
    }
    if (e instanceof LeaseStoreException.Conflict) {
      log.debug("{} of lease {} conflicted: {}", operation, store.describe(), e.getMessage());
    } else if (e instanceof LeaseStoreException.NotFound) {
      log.debug("{} of lease {}: not found", operation, store.describe());
    } else if (e instanceof LeaseStoreException.Forbidden) {
      // A missing permission does not fix itself: say it loudly, once until it changes.
      if (!e.getMessage().equals(loggedForbidden.put(operation, e.getMessage()))) {
        log.error("Leader election for {} is not permitted: {}", store.describe(), e.getMessage());
      }
    } else if (f.request().term() != null || isUnexpected(e)) {
      log.warn("Leader election {} of {} failed: {}", operation, store.describe(), e.getMessage(), e.getCause());
    } else if (++failuresInARow == FAILURES_BEFORE_WARN) {
      // A follower that cannot reach the server is a leaderless instance: make it visible.
      log.warn("Leader election {} of {} keeps failing ({} times in a row, retrying with back-off): {}",
          operation, store.describe(), failuresInARow, e.getMessage());
    } else {
      log.info("Leader election {} of {} failed: {}", operation, store.describe(), e.getMessage());
    }
    if (!(e instanceof LeaseStoreException.Forbidden)) {
      loggedForbidden.remove(operation);
    }
  }

  private static boolean isUnexpected(LeaseStoreException e) {
    return e.getMessage() != null && e.getMessage().contains("failed unexpectedly");
  }

  private static String operation(Request r) {
    return switch (r.purpose()) {
      case OBSERVE, VERIFY, RELEASE_READ -> "get";
      case ACQUIRE -> "acquire";
      case RENEW -> r.op() == Request.Op.CREATE ? "create" : "renew";
      case RELEASE -> "release";
    };
  }

  private static String verb(Request r) {
    return switch (r.op()) {
      case GET -> "get";
      case CREATE -> "create";
      case UPDATE -> "update";
    };
  }

  private void completeStepDowns(boolean released) {
    List<CompletableFuture<Boolean>> pending = List.copyOf(stepDowns);
    stepDowns.clear();
    pending.forEach(f -> f.complete(released));
  }

  // --- plumbing -------------------------------------------------------------------------------------

  private Role.Leading acting(Role role) {
    return role instanceof Role.Leading l && ticker.nanoTime() - l.renewSentAt() < config.renewDeadline().toNanos()
        ? l : null;
  }

  private Now now() {
    return new Now(ticker.nanoTime(), clock.instant().truncatedTo(ChronoUnit.MICROS));
  }

  private void observe(Consumer<ElectionObserver> call) {
    for (ElectionObserver o : observers) {
      try {
        call.accept(o);
      } catch (RuntimeException e) {
        log.warn("Election observer {} failed", o, e);
      }
    }
  }

  private void wakeWaiters() {
    synchronized (leadershipMonitor) {
      leadershipMonitor.notifyAll();
    }
  }

  private ExecutorService owned(ExecutorService executor) {
    ownedExecutors.add(executor);
    return executor;
  }

  private void stopThreads() {
    thread.execute(feed::close);
    thread.shutdown(config.requestTimeout().plusSeconds(1));
    for (ExecutorService e : ownedExecutors) {
      e.shutdown();
    }
    for (ExecutorService e : ownedExecutors) {
      try {
        if (!e.awaitTermination(config.shutdownTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
          e.shutdownNow();
        }
      } catch (InterruptedException ie) {
        e.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }

  private static ThreadFactory factory(Builder b, String name) {
    return b.threadFactory != null ? b.threadFactory : daemonThreads(name);
  }

  private static ThreadFactory daemonThreads(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** Builds a {@link LeaderElector}. */
  public static final class Builder {
    private final ElectionConfig config;
    private final LeaseStore store;
    private final List<LeadershipListener> listeners = new ArrayList<>();
    private Ticker ticker = Ticker.SYSTEM;
    private Clock clock = Clock.systemUTC();
    private final List<ElectionObserver> observers = new ArrayList<>();
    private ThreadFactory threadFactory;
    private Executor listenerExecutor;
    private Executor requestExecutor;
    private ElectorScheduler scheduler;

    private Builder(ElectionConfig config, LeaseStore store) {
      this.config = Objects.requireNonNull(config, "config");
      this.store = Objects.requireNonNull(store, "store");
    }

    /** Adds a listener. */
    public Builder listener(LeadershipListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** The monotonic clock (for tests). */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** The wall clock used only for the renewTime/acquireTime written (for tests). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Adds metrics or tracing hooks; several may be added, each is called in order. */
    public Builder observer(ElectionObserver observer) {
      observers.add(Objects.requireNonNull(observer, "observer"));
      return this;
    }

    /**
     * The factory for the election thread, the request thread and, unless
     * {@link #listenerExecutor} is set, the listener thread; e.g. {@code Thread.ofVirtual().factory()}.
     * Default: named daemon threads.
     */
    public Builder threadFactory(ThreadFactory threadFactory) {
      this.threadFactory = threadFactory;
      return this;
    }

    /**
     * Where listeners run. Notifications stay ordered whatever the executor; it is not shut
     * down by the elector.
     */
    public Builder listenerExecutor(Executor executor) {
      this.listenerExecutor = executor;
      return this;
    }

    /** Where requests run (package-private: deterministic tests). */
    Builder requestExecutor(Executor executor) {
      this.requestExecutor = executor;
      return this;
    }

    /** The election thread (package-private: deterministic tests). */
    Builder scheduler(ElectorScheduler scheduler) {
      this.scheduler = scheduler;
      return this;
    }

    /** Builds the elector; call {@link LeaderElector#start()} to begin. */
    public LeaderElector build() {
      return new LeaderElector(this);
    }
  }
}
