package io.github.leaderelection.core;

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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elects one leader among the candidates that share a Lease. The algorithm follows
 * {@code ../shared/design/election-semantics.md}; rule numbers in comments refer to it.
 *
 * <p>In short: a follower watches the Lease and keeps a timer for its expiry, judged as the
 * local monotonic instant it first saw the current record plus the record's duration. When
 * the lease is free (absent, released or expired) it writes itself in, conditional on the
 * resourceVersion it read; only that successful write makes it leader. The leader renews every
 * retry period and acts as leader only until {@code lastRenewalSentAt + renewDeadline}, so a
 * paused or cut-off leader stops acting before any rival can take over.
 *
 * <p>All state changes happen on one elector thread; listeners run on another.
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

  private enum Phase { NEW, RUNNING, CLOSING, CLOSED }

  /** What makes a candidate the acting leader: its term and its last renewal's send time. */
  private record Acting(LeadershipTerm term, long renewSentAt, VersionedLease lease) {}

  // --- wiring -------------------------------------------------------------------------------
  private final ElectionConfig config;
  private final String identity;
  private final LeaseStore store;
  private final Ticker ticker;
  private final Clock clock;
  private final ElectorScheduler scheduler;
  private final SerialExecutor listenerExecutor;
  private final ExecutorService ownedListenerExecutor;
  private final List<LeadershipListener> listeners = new CopyOnWriteArrayList<>();
  private final List<ElectionObserver> observers;
  private final long leaseDurationNanos;
  private final long renewDeadlineNanos;
  private final long retryPeriodNanos;

  // --- state read by any thread ----------------------------------------------------------------
  private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.NEW);
  private volatile Acting acting; // non-null while leader; the time bound still applies (rule 3)
  private volatile VersionedLease observed; // last lease seen, null when absent or not yet read
  private volatile String lastError;
  private final Object leadershipMonitor = new Object();
  private final CompletableFuture<Void> shutdownDone = new CompletableFuture<>();

  // --- state owned by the elector thread ------------------------------------------------------
  private boolean leaseKnown; // a read or watch event has told whether the lease exists
  private long observedChangeAt; // when the current record was first seen (rule 1)
  private int highestTransitionsSeen = -1;
  private long deletedClaimExpiresAt = Long.MIN_VALUE; // see markAbsent()
  private boolean watchTrusted; // false: the watch is down or missed an event, so poll (rule 7)
  private LeaseWatch watch;
  private int watchGeneration;
  private int watchFailures; // consecutive, to space out restarts
  private ElectorScheduler.Task followerTimer;
  private ElectorScheduler.Task renewTimer;
  private long cooldownUntil = Long.MIN_VALUE;
  private long candidacyStart;
  private String lastNotifiedHolder = "";
  private final Map<String, String> loggedForbidden = new HashMap<>(); // operation -> message
  private String lastErrorOperation;

  private LeaderElector(Builder b) {
    this.config = b.config;
    this.identity = b.config.identity();
    this.store = b.store;
    this.ticker = b.ticker;
    this.clock = b.clock;
    this.observers = List.copyOf(b.observers);
    this.leaseDurationNanos = config.leaseDuration().toNanos();
    this.renewDeadlineNanos = config.renewDeadline().toNanos();
    this.retryPeriodNanos = config.retryPeriod().toNanos();
    this.listeners.addAll(b.listeners);
    String name = "leader-elector-" + config.leaseName() + "-" + THREAD_IDS.incrementAndGet();
    ThreadFactory threads = b.threadFactory != null ? b.threadFactory : daemonThreads(name);
    this.scheduler = b.scheduler != null ? b.scheduler : new ThreadElectorScheduler(threads);
    if (b.listenerExecutor != null) {
      this.ownedListenerExecutor = null;
      this.listenerExecutor = new SerialExecutor(b.listenerExecutor);
    } else {
      ThreadFactory eventThreads = b.threadFactory != null ? b.threadFactory : daemonThreads(name + "-events");
      this.ownedListenerExecutor = Executors.newSingleThreadExecutor(eventThreads);
      this.listenerExecutor = new SerialExecutor(ownedListenerExecutor);
    }
  }

  /** A builder for an elector on {@code store} with {@code config}. */
  public static Builder builder(ElectionConfig config, LeaseStore store) {
    return new Builder(config, store);
  }

  // =============================================================================================
  // Public API
  // =============================================================================================

  /** Starts competing. Returns at once; leadership is announced to listeners. */
  public void start() {
    if (!phase.compareAndSet(Phase.NEW, Phase.RUNNING)) {
      throw new IllegalStateException("Leader elector for " + store.describe() + " was already started");
    }
    log.info("Starting leader election for lease {} as {} (leaseDuration={}, renewDeadline={}, retryPeriod={})",
        store.describe(), identity, Durations.format(config.leaseDuration()),
        Durations.format(config.renewDeadline()), Durations.format(config.retryPeriod()));
    scheduler.execute(this::begin);
  }

  /**
   * Whether this candidate is the acting leader now. Time-bounded (rule 3): true only while
   * less than the renew deadline has passed since the last successful renewal was sent, so it
   * answers false at once after a pause longer than that, before any loop has run.
   */
  public boolean isLeader() {
    Acting a = acting;
    return a != null && ticker.nanoTime() - a.renewSentAt < renewDeadlineNanos;
  }

  /** The holder last observed on the lease; empty when nobody holds it or it was not read yet. */
  public Optional<String> currentHolder() {
    VersionedLease lease = observed;
    return lease == null || !lease.record().isHeld() ? Optional.empty() : Optional.of(lease.record().holder());
  }

  /** The current term while this candidate is the acting leader (rule 3 applies). */
  public Optional<LeadershipTerm> currentTerm() {
    Acting a = acting;
    return a != null && isLeader() ? Optional.of(a.term) : Optional.empty();
  }

  /** The fencing token of the current term (rule 6), empty when not the acting leader. */
  public OptionalLong fencingToken() {
    return currentTerm().map(t -> OptionalLong.of(t.fencingToken())).orElse(OptionalLong.empty());
  }

  /** This candidate's identity. */
  public String identity() {
    return identity;
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
        Phase p = phase.get();
        if (p == Phase.CLOSING || p == Phase.CLOSED) {
          return false;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        // Wake at least every renew deadline: leadership can lapse without a notification.
        TimeUnit.NANOSECONDS.timedWait(leadershipMonitor, Math.min(left, renewDeadlineNanos));
      }
    }
  }

  /**
   * Gives up leadership on purpose: stops acting, notifies listeners, releases the lease so
   * another candidate takes over at once, and stays out of the race for the configured
   * cool-down before competing again. Does nothing but the cool-down when not leader.
   *
   * @return completes with true once the lease was released, false when this candidate was
   *     not the leader
   */
  public CompletableFuture<Boolean> stepDown() {
    CompletableFuture<Boolean> result = new CompletableFuture<>();
    if (phase.get() != Phase.RUNNING) {
      result.complete(false);
      return result;
    }
    scheduler.execute(() -> {
      cooldownUntil = ticker.nanoTime() + config.stepDownCooldown().toNanos();
      Acting a = acting;
      if (a == null) {
        result.complete(false);
        followerStep();
        return;
      }
      log.info("Stepping down from lease {} (cool-down {})", store.describe(),
          Durations.format(config.stepDownCooldown()));
      loseLeadership(LossReason.RELEASED).whenComplete((v, e) -> scheduler.execute(() -> {
        release(a.term);
        result.complete(true);
        followerStep();
      }));
    });
    return result;
  }

  /** Adds a listener; it receives notifications from the next change on. */
  public void addListener(LeadershipListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Removes a listener. */
  public void removeListener(LeadershipListener listener) {
    listeners.remove(listener);
  }

  /** A snapshot of the elector's state. */
  public ElectionStatus status() {
    Phase p = phase.get();
    ElectionStatus.State state = switch (p) {
      case NEW -> ElectionStatus.State.NEW;
      case RUNNING -> ElectionStatus.State.RUNNING;
      case CLOSING, CLOSED -> ElectionStatus.State.CLOSED;
    };
    VersionedLease lease = observed;
    LeaseRecord r = lease == null ? LeaseRecord.EMPTY : lease.record();
    Acting a = acting;
    boolean leader = isLeader();
    return new ElectionStatus(state, leader, identity, config.leaseName(), config.namespace(),
        r.holder(), r.transitions(), r.acquireTime(), r.renewTime(),
        leader ? a.term : null,
        a == null ? null : Duration.ofNanos(ticker.nanoTime() - a.renewSentAt),
        lastError);
  }

  /**
   * Stops competing. When leader: stops acting, notifies listeners of the loss (waiting up to
   * the shutdown timeout for them, so leader work can finish first), then releases the lease
   * with a compare-and-set if so configured (rule 5). Idempotent; returns within a bound and
   * leaves no threads behind.
   */
  @Override
  public void close() {
    CompletableFuture<Void> done = closeAsync();
    long bound = config.shutdownTimeout().toNanos() + 4 * config.requestTimeout().toNanos();
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
      if (phase.getAndSet(Phase.CLOSED) != Phase.CLOSED) {
        stopThreads();
        log.info("Stopped leader election for lease {} as {}", store.describe(), identity);
      }
    }
  }

  /**
   * Starts the shutdown sequence of {@link #close()} without waiting for it or stopping the
   * threads (package-private: deterministic tests drive the elector thread themselves).
   */
  CompletableFuture<Void> closeAsync() {
    Phase was = phase.getAndUpdate(p -> p == Phase.CLOSED ? p : Phase.CLOSING);
    if (was == Phase.NEW) {
      shutdownDone.complete(null);
    } else if (was == Phase.RUNNING) {
      wakeWaiters();
      scheduler.execute(() -> shutdownSequence(shutdownDone));
    }
    return shutdownDone;
  }

  // =============================================================================================
  // The algorithm. Everything below runs on the elector thread.
  // =============================================================================================

  /** First step: read the lease, start watching it, and compete. */
  private void begin() {
    candidacyStart = ticker.nanoTime();
    if (refresh()) {
      startWatch();
      watchTrusted = true; // from a fresh read, it will deliver every later change
    }
    followerStep();
  }

  // --- follower -------------------------------------------------------------------------------

  /**
   * Decides, after anything was observed, whether to try to acquire now, or when to look
   * again. The one place where a follower judges expiry (rule 1).
   */
  private void followerStep() {
    if (!running() || acting != null) {
      return;
    }
    cancel(followerTimer);
    long now = ticker.nanoTime();
    if (now < cooldownUntil) {
      followerTimer = at(cooldownUntil, this::followerStep);
      return;
    }
    if (!leaseKnown) {
      // The first read failed: keep trying every retry period (rule 12: never give up).
      followerTimer = at(now + retryPeriodNanos, this::refreshThenFollow);
      return;
    }
    VersionedLease lease = observed;
    LeaseRecord r = lease == null ? null : lease.record();
    if (r == null && now < deletedClaimExpiresAt) {
      followerTimer = at(deletedClaimExpiresAt, this::refreshThenFollow);
      return;
    }
    long expiresAt = r == null ? now : observedChangeAt + TimeUnit.SECONDS.toNanos(r.durationSeconds());
    // Free: absent, released (holder "" or null, rule 8), expired, or naming us (rule 2: we
    // still have to win a conditional write).
    if (r == null || !r.isHeld() || r.isHeldBy(identity) || now >= expiresAt) {
      tryAcquire();
      return;
    }
    // Held by someone else: look again at its expiry, or every retry period while the watch
    // cannot be trusted to tell us of a release (rule 7).
    if (watchTrusted) {
      followerTimer = at(expiresAt, this::checkExpiry);
    } else {
      followerTimer = at(Math.min(expiresAt, now + retryPeriodNanos), this::refreshThenFollow);
    }
  }

  /**
   * The observed record reached its expiry without the watch reporting a change. Confirm with
   * a read before taking over; if the read shows a change the watch never delivered, the watch
   * is stalled: restart it and poll until it delivers again, so a stalled watch delays
   * takeover by at most one retry period (rule 7).
   */
  private void checkExpiry() {
    if (!running() || acting != null) {
      return;
    }
    VersionedLease before = observed;
    if (refresh() && changed(before, observed)) {
      log.debug("Watch on {} missed a change; restarting it", store.describe());
      closeWatch();
      startWatch();
      watchTrusted = false;
    }
    followerStep();
  }

  private void refreshThenFollow() {
    if (!running() || acting != null) {
      return;
    }
    if (refresh() && watch == null) {
      startWatch();
    }
    followerStep();
  }

  /** Writes this candidate in, conditional on what was read (rule 2). */
  private void tryAcquire() {
    VersionedLease current = observed;
    long sentAt = ticker.nanoTime();
    Instant now = wallNow();
    try {
      VersionedLease written;
      if (current == null) {
        // After a deletion keep the token growing, so fencing stays monotonic (rule 6).
        int transitions = highestTransitionsSeen < 0 ? 0 : highestTransitionsSeen + 1;
        written = store.create(new LeaseRecord(identity, leaseDurationSeconds(), now, now, transitions));
      } else {
        LeaseRecord old = current.record();
        boolean ours = old.isHeldBy(identity);
        // Exactly +1 per change of holder, never on a re-acquire of our own record (rule 19).
        int transitions = ours ? old.transitions() : old.transitions() + 1;
        Instant acquired = ours && old.acquireTime() != null ? old.acquireTime() : now;
        written = store.update(current, new LeaseRecord(identity, leaseDurationSeconds(), acquired, now, transitions));
      }
      succeeded("acquire");
      becomeLeader(written, sentAt);
    } catch (LeaseStoreException.Conflict e) {
      // Somebody else wrote first; read again and wait for that record to expire.
      log.debug("Lost the race for {}: {}", store.describe(), e.getMessage());
      scheduler.execute(this::refreshThenFollow);
    } catch (LeaseStoreException.NotFound e) {
      markAbsent();
      scheduler.execute(this::followerStep);
    } catch (LeaseStoreException e) {
      failed("acquire", e);
      followerTimer = at(ticker.nanoTime() + retryPeriodNanos, this::refreshThenFollow);
    }
  }

  private void becomeLeader(VersionedLease written, long sentAt) {
    observe(written);
    long now = ticker.nanoTime();
    if (now - sentAt >= renewDeadlineNanos) {
      // The acquiring write came back later than the renew deadline (a pause): it counts as a
      // renewal sent at sentAt, so we are not acting. Renew before announcing anything.
      log.debug("Acquiring write for {} acknowledged after the renew deadline; renewing first", store.describe());
      scheduler.execute(this::followerStep);
      return;
    }
    LeadershipTerm term = new LeadershipTerm(config.leaseName(), config.namespace(), identity,
        written.record().transitions(), wallNow());
    acting = new Acting(term, sentAt, written);
    cancel(followerTimer);
    log.info("Became leader of lease {} as {} (fencing token {})", store.describe(), identity, term.fencingToken());
    notifyObserver(o -> o.renewed(sentAt, Duration.ofNanos(now - sentAt)));
    notifyObserver(o -> o.acquired(term, Duration.ofNanos(now - candidacyStart)));
    notifyListeners(l -> l.onElected(term));
    wakeWaiters();
    renewTimer = at(sentAt + retryPeriodNanos, this::renew);
  }

  // --- leader ---------------------------------------------------------------------------------

  /** One renewal, on its own schedule, never waiting for watch events (rule 9). */
  private void renew() {
    Acting a = acting;
    if (a == null || !running()) {
      return;
    }
    long sentAt = ticker.nanoTime();
    if (sentAt - a.renewSentAt >= renewDeadlineNanos) {
      // We could not even try in time: a pause or starvation (rule 3).
      loseLeadership(lastError == null ? LossReason.DEADLINE_PASSED : LossReason.RENEW_FAILED);
      scheduler.execute(this::refreshThenFollow);
      return;
    }
    try {
      VersionedLease written = store.update(a.lease, ownRecord(a.term, a.lease.record()));
      renewed(a, written, sentAt);
    } catch (LeaseStoreException.Conflict e) {
      // Someone wrote the lease (a hand edit, a label change, a rival): re-read; keep leading
      // only if the fresh record still names us (rule 10).
      log.debug("Renewal of {} conflicted; re-reading", store.describe());
      renewAfterConflict(a);
    } catch (LeaseStoreException.NotFound e) {
      recreate(a, sentAt);
    } catch (LeaseStoreException e) {
      failed("renew", e);
      notifyObserver(o -> o.renewFailed(Duration.ofNanos(ticker.nanoTime() - sentAt), e));
      scheduleRenewRetry(a, sentAt);
    }
  }

  private void renewAfterConflict(Acting a) {
    try {
      VersionedLease fresh = store.get();
      if (fresh == null) {
        markAbsent();
        recreate(a, ticker.nanoTime());
        return;
      }
      observe(fresh);
      if (!fresh.record().isHeldBy(identity)) {
        loseLeadership(LossReason.LEASE_TAKEN);
        scheduler.execute(this::followerStep);
        return;
      }
      acting = new Acting(a.term, a.renewSentAt, fresh);
      scheduler.execute(this::renew);
    } catch (LeaseStoreException e) {
      failed("get", e);
      scheduleRenewRetry(a, ticker.nanoTime());
    }
  }

  /** The lease was deleted while we held it: recreate it with our term (rule 11). */
  private void recreate(Acting a, long sentAt) {
    markAbsent();
    log.info("Lease {} was deleted while held by {}; recreating it", store.describe(), identity);
    try {
      VersionedLease written = store.create(ownRecord(a.term, a.lease.record()));
      renewed(a, written, sentAt);
    } catch (LeaseStoreException.Conflict e) {
      // Someone else created it first: step down unless it names us.
      renewAfterConflict(a);
    } catch (LeaseStoreException e) {
      failed("create", e);
      scheduleRenewRetry(a, sentAt);
    }
  }

  private void renewed(Acting a, VersionedLease written, long sentAt) {
    succeeded("renew");
    observe(written);
    long now = ticker.nanoTime();
    if (acting != a) {
      return;
    }
    acting = new Acting(a.term, sentAt, written);
    notifyObserver(o -> o.renewed(sentAt, Duration.ofNanos(now - sentAt)));
    renewTimer = at(sentAt + retryPeriodNanos, this::renew);
  }

  private void scheduleRenewRetry(Acting a, long attemptAt) {
    if (acting != a) {
      return;
    }
    // Retry every retry period, but wake at the deadline to stop acting on time (rule 10).
    long next = Math.min(attemptAt + retryPeriodNanos, a.renewSentAt + renewDeadlineNanos);
    renewTimer = at(next, this::renew);
  }

  private LeaseRecord ownRecord(LeadershipTerm term, LeaseRecord previous) {
    Instant acquired = previous.isHeldBy(identity) && previous.acquireTime() != null
        ? previous.acquireTime() : term.acquiredAt();
    return new LeaseRecord(identity, leaseDurationSeconds(), acquired, wallNow(), (int) term.fencingToken());
  }

  /**
   * Stops acting at once and tells listeners. The returned future completes when they have
   * all been called, so a release can wait for leader work to stop (rule 5).
   */
  private CompletableFuture<Void> loseLeadership(LossReason reason) {
    Acting a = acting;
    if (a == null) {
      return CompletableFuture.completedFuture(null);
    }
    acting = null;
    cancel(renewTimer);
    candidacyStart = ticker.nanoTime();
    log.info("Stopped leading lease {} as {}: {}", store.describe(), identity, reason);
    notifyObserver(o -> o.lost(a.term, reason));
    CompletableFuture<Void> delivered = notifyListeners(l -> l.onLost(a.term, reason));
    wakeWaiters();
    return delivered;
  }

  /**
   * Rule 5: release only if a fresh read still names us; write holder "", duration 1 s, keep
   * the transitions, conditional on the resourceVersion just read; retry a bounded number of
   * times on conflict.
   */
  private void release(LeadershipTerm term) {
    for (int attempt = 1; attempt <= 3; attempt++) {
      try {
        VersionedLease fresh = store.get();
        if (fresh == null || !fresh.record().isHeldBy(identity)) {
          log.info("Not releasing lease {}: it is no longer held by {}", store.describe(), identity);
          return;
        }
        Instant now = wallNow();
        VersionedLease written = store.update(fresh,
            new LeaseRecord("", 1, now, now, fresh.record().transitions()));
        observe(written);
        log.info("Released lease {} (fencing token {})", store.describe(), term.fencingToken());
        return;
      } catch (LeaseStoreException.Conflict e) {
        log.debug("Release of {} conflicted (attempt {}); re-reading", store.describe(), attempt);
      } catch (LeaseStoreException.NotFound e) {
        return;
      } catch (LeaseStoreException e) {
        failed("release", e);
        return;
      }
    }
    log.warn("Could not release lease {} after 3 conflicting attempts; it expires on its own", store.describe());
  }

  private void shutdownSequence(CompletableFuture<Void> done) {
    cancel(followerTimer);
    cancel(renewTimer);
    closeWatch();
    Acting a = acting;
    if (a == null) {
      done.complete(null);
      return;
    }
    // Rule 5 and 13: lost is delivered (and leader work stops) before the release.
    loseLeadership(LossReason.SHUTDOWN)
        .orTimeout(config.shutdownTimeout().toNanos(), TimeUnit.NANOSECONDS)
        .whenComplete((v, e) -> {
          if (e != null) {
            log.warn("Lost-listeners for {} did not finish within {}; releasing anyway",
                store.describe(), Durations.format(config.shutdownTimeout()));
          }
          scheduler.execute(() -> {
            try {
              if (config.releaseOnShutdown()) {
                release(a.term);
              }
            } finally {
              done.complete(null);
            }
          });
        });
  }

  // --- observing the lease ----------------------------------------------------------------------

  /** Reads the lease; false when the read failed. */
  private boolean refresh() {
    try {
      VersionedLease lease = store.get();
      succeeded("get");
      if (lease == null) {
        markAbsent();
      } else {
        observe(lease);
      }
      return true;
    } catch (LeaseStoreException e) {
      failed("get", e);
      return false;
    }
  }

  /** Records what was seen; the monotonic instant of a change is what expiry counts from (rule 1). */
  private void observe(VersionedLease lease) {
    VersionedLease before = observed;
    if (!leaseKnown || changed(before, lease)) {
      observedChangeAt = ticker.nanoTime();
    }
    leaseKnown = true;
    observed = lease;
    deletedClaimExpiresAt = Long.MIN_VALUE;
    highestTransitionsSeen = Math.max(highestTransitionsSeen, lease.record().transitions());
    String holder = lease.record().holder();
    if (!holder.isEmpty() && !holder.equals(lastNotifiedHolder)) {
      lastNotifiedHolder = holder;
      notifyListeners(l -> l.onNewLeader(holder));
    }
  }

  private void markAbsent() {
    VersionedLease before = observed;
    if (before != null && before.record().isHeld() && !before.record().isHeldBy(identity)) {
      // Deleting a lease does not end its holder's term: it may act until its own deadline.
      // Followers honour the deleted claim until it would have expired (rule 11).
      deletedClaimExpiresAt = observedChangeAt + TimeUnit.SECONDS.toNanos(before.record().durationSeconds());
    }
    if (!leaseKnown || before != null) {
      observedChangeAt = ticker.nanoTime();
    }
    leaseKnown = true;
    observed = null;
  }

  private static boolean changed(VersionedLease before, VersionedLease after) {
    if (before == null || after == null) {
      return before != after;
    }
    return after.record().differsFrom(before.record());
  }

  private void startWatch() {
    if (!running()) {
      return;
    }
    VersionedLease lease = observed;
    int generation = ++watchGeneration;
    watch = store.watch(lease == null ? null : lease.resourceVersion(), new LeaseWatchListener() {
      @Override
      public void onUpsert(VersionedLease l) {
        onWatch(generation, () -> watchedUpsert(l));
      }

      @Override
      public void onDeleted(String resourceVersion) {
        onWatch(generation, () -> watchedDelete());
      }

      @Override
      public void onBookmark(String resourceVersion) {
        onWatch(generation, () -> watchDelivered());
      }

      @Override
      public void onClosed(Throwable cause, boolean resourceVersionExpired) {
        onWatch(generation, () -> watchClosed(cause, resourceVersionExpired));
      }
    });
  }

  private void onWatch(int generation, Runnable action) {
    scheduler.execute(() -> {
      if (generation == watchGeneration && running()) {
        action.run();
      }
    });
  }

  /** The watch delivered something: it works, so followers need not poll. */
  private void watchDelivered() {
    watchFailures = 0;
    watchTrusted = true;
  }

  private void watchedUpsert(VersionedLease lease) {
    watchDelivered();
    observe(lease);
    Acting a = acting;
    if (a != null) {
      if (!lease.record().isHeldBy(identity)) {
        // Possibly an old event still in flight: only a fresh read decides (rule 10).
        scheduler.execute(() -> verifyStillHolder(a));
      }
      return;
    }
    followerStep(); // a release is taken over on the event, not on the next poll (rule 8)
  }

  private void verifyStillHolder(Acting seen) {
    Acting a = acting;
    if (a == null || a.term != seen.term) {
      return;
    }
    try {
      VersionedLease fresh = store.get();
      if (fresh == null) {
        markAbsent();
        cancel(renewTimer);
        recreate(a, ticker.nanoTime());
      } else {
        observe(fresh);
        if (!fresh.record().isHeldBy(identity)) {
          loseLeadership(LossReason.LEASE_TAKEN);
          scheduler.execute(this::followerStep);
        }
      }
    } catch (LeaseStoreException e) {
      failed("get", e); // the renew loop decides on its own schedule
    }
  }

  private void watchedDelete() {
    watchDelivered();
    markAbsent();
    Acting a = acting;
    if (a != null) {
      cancel(renewTimer);
      recreate(a, ticker.nanoTime());
    } else {
      followerStep();
    }
  }

  private void watchClosed(Throwable cause, boolean expired) {
    watch = null;
    if (cause == null && !expired) {
      startWatch(); // a normal server-side timeout: continue from the last resourceVersion
      return;
    }
    watchTrusted = false;
    watchFailures++;
    if (expired) {
      log.debug("Watch on {} expired (410); re-reading", store.describe());
    } else {
      log.debug("Watch on {} failed: {}", store.describe(), cause.toString());
    }
    // Restart at once the first time, then every retry period; followers poll meanwhile (rule 7).
    at(ticker.nanoTime() + (watchFailures <= 1 ? 0 : retryPeriodNanos), this::rewatch);
    if (acting == null) {
      followerStep();
    }
  }

  /** Starts a new watch from a fresh read (the old resourceVersion may be gone: 410). */
  private void rewatch() {
    if (watch != null || !running()) {
      return;
    }
    if (refresh()) {
      startWatch();
    } else {
      watchFailures++;
      at(ticker.nanoTime() + retryPeriodNanos, this::rewatch);
    }
    if (acting == null) {
      followerStep();
    }
  }

  private void closeWatch() {
    watchGeneration++;
    LeaseWatch w = watch;
    watch = null;
    if (w != null) {
      w.close();
    }
  }

  // --- plumbing -------------------------------------------------------------------------------------

  private boolean running() {
    return phase.get() == Phase.RUNNING;
  }

  private ElectorScheduler.Task at(long monotonicNanos, Runnable task) {
    return scheduler.schedule(task, monotonicNanos - ticker.nanoTime());
  }

  private static void cancel(ElectorScheduler.Task task) {
    if (task != null) {
      task.cancel();
    }
  }

  private int leaseDurationSeconds() {
    return (int) config.leaseDuration().toSeconds();
  }

  /** Wall time for renewTime/acquireTime: informational, microsecond precision (rule 18). */
  private Instant wallNow() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /**
   * An operation worked. A read that works says nothing about a write that failed, so only
   * the same operation, or a successful write, clears an error.
   */
  private void succeeded(String operation) {
    loggedForbidden.remove(operation);
    if (operation.equals(lastErrorOperation) || !operation.equals("get")) {
      lastError = null;
      lastErrorOperation = null;
    }
  }

  private void failed(String operation, LeaseStoreException e) {
    lastError = e.getMessage();
    lastErrorOperation = operation;
    notifyObserver(o -> o.apiError(operation, e.status()));
    if (e instanceof LeaseStoreException.Forbidden) {
      // A missing permission does not fix itself: say it loudly, once until that operation works.
      if (!e.getMessage().equals(loggedForbidden.put(operation, e.getMessage()))) {
        log.error("Leader election for {} is not permitted: {}", store.describe(), e.getMessage());
      }
    } else if (acting != null) {
      log.warn("Leader election {} of {} failed: {}", operation, store.describe(), e.getMessage(), e.getCause());
    } else {
      log.info("Leader election {} of {} failed: {}", operation, store.describe(), e.getMessage());
    }
  }

  private void notifyObserver(Consumer<ElectionObserver> call) {
    for (ElectionObserver o : observers) {
      try {
        call.accept(o);
      } catch (RuntimeException e) {
        log.warn("Election observer {} failed", o, e);
      }
    }
  }

  /** Calls listeners on the listener thread, in order (rules 13-15). */
  private CompletableFuture<Void> notifyListeners(Consumer<LeadershipListener> call) {
    CompletableFuture<Void> delivered = new CompletableFuture<>();
    List<LeadershipListener> snapshot = new ArrayList<>(listeners);
    try {
      listenerExecutor.execute(() -> {
        for (LeadershipListener l : snapshot) {
          try {
            call.accept(l);
          } catch (RuntimeException | Error e) {
            log.error("Leadership listener {} failed for lease {}", l, store.describe(), e);
          }
        }
        delivered.complete(null);
      });
    } catch (RuntimeException e) {
      log.error("Could not deliver a leadership notification for {}", store.describe(), e);
      delivered.complete(null);
    }
    return delivered;
  }

  private void wakeWaiters() {
    synchronized (leadershipMonitor) {
      leadershipMonitor.notifyAll();
    }
  }

  private void stopThreads() {
    scheduler.shutdown(config.requestTimeout().plusSeconds(1));
    if (ownedListenerExecutor != null) {
      ownedListenerExecutor.shutdown();
      try {
        if (!ownedListenerExecutor.awaitTermination(config.shutdownTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
          ownedListenerExecutor.shutdownNow();
        }
      } catch (InterruptedException e) {
        ownedListenerExecutor.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
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
    private java.util.concurrent.Executor listenerExecutor;
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
     * The factory for the elector thread and, unless {@link #listenerExecutor} is set, the
     * listener thread; e.g. {@code Thread.ofVirtual().factory()}. Default: named daemon threads.
     */
    public Builder threadFactory(ThreadFactory threadFactory) {
      this.threadFactory = threadFactory;
      return this;
    }

    /**
     * Where listeners run. Notifications stay ordered whatever the executor; it is not shut
     * down by the elector.
     */
    public Builder listenerExecutor(java.util.concurrent.Executor executor) {
      this.listenerExecutor = executor;
      return this;
    }

    /** The elector thread (package-private: deterministic tests). */
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
