package io.github.leaderelection.core;

import io.github.leaderelection.core.machine.Event;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a watch on the lease open and turns what it delivers into {@link Event.Observed} and
 * {@link Event.Progress} events; it only emits observations and decides nothing (rule 7). A
 * watch that ends normally is resumed from the last resourceVersion (bookmarks included); one
 * whose resourceVersion expired (410) starts again from the current state; one that fails is
 * restarted with back-off, and an outage is reported once at WARN (with the RBAC advice when
 * the server refused the watch) instead of at every attempt. Meanwhile the election polls on
 * its own (the machine reads when the watch is silent), so a broken watch delays nothing by more
 * than that poll.
 *
 * <p>All methods run on the election thread: watch callbacks are handed to it first, so the
 * feed needs no locks.
 */
final class LeaseFeed {

  private static final Logger log = LoggerFactory.getLogger(LeaderElector.class);
  /** Restarts after failures back off up to this many retry periods. */
  private static final int MAX_BACKOFF_RETRY_PERIODS = 8;

  private final LeaseStore store;
  private final ElectorScheduler thread;
  private final Consumer<Event> sink;
  private final Duration retryPeriod;

  private LeaseWatch watch;
  private int generation;
  private String resumeFrom;
  private int failures;
  private boolean closed;
  private ElectorScheduler.Task restartTimer;

  LeaseFeed(LeaseStore store, ElectorScheduler thread, Duration retryPeriod, Consumer<Event> sink) {
    this.store = store;
    this.thread = thread;
    this.retryPeriod = retryPeriod;
    this.sink = sink;
  }

  /** Opens the watch from the current state (the server first sends the lease as it is). */
  void start() {
    open(null);
  }

  /** The watch seems stalled (a read saw a change it never delivered): open a new one now. */
  void restart() {
    if (closed || watch == null) {
      return; // down already: the back-off timer reopens it
    }
    log.info("Watch on lease {} missed a change; restarting it", store.describe());
    stop();
    open(resumeFrom);
  }

  /** Stops the watch for good. */
  void close() {
    closed = true;
    if (restartTimer != null) {
      restartTimer.cancel();
    }
    stop();
  }

  /** Whether a watch is open now (for status). */
  boolean watching() {
    return watch != null;
  }

  private void open(String fromResourceVersion) {
    if (closed) {
      return;
    }
    int gen = ++generation;
    try {
      watch = store.watch(fromResourceVersion, new LeaseWatchListener() {
        @Override
        public void onUpsert(VersionedLease lease) {
          post(gen, () -> delivered(lease.resourceVersion(), new Event.Observed(lease, lease.resourceVersion())));
        }

        @Override
        public void onDeleted(String resourceVersion) {
          post(gen, () -> delivered(resourceVersion, new Event.Observed(null, resourceVersion)));
        }

        @Override
        public void onBookmark(String resourceVersion) {
          post(gen, () -> delivered(resourceVersion, new Event.Progress(resourceVersion)));
        }

        @Override
        public void onClosed(Throwable cause, boolean resourceVersionExpired) {
          post(gen, () -> ended(cause, resourceVersionExpired));
        }
      });
    } catch (RuntimeException e) {
      // A store that throws instead of reporting onClosed: treat it as a failed watch.
      watch = null;
      thread.execute(() -> {
        if (gen == generation) {
          ended(e, false);
        }
      });
    }
  }

  private void post(int gen, Runnable r) {
    thread.execute(() -> {
      if (gen == generation && !closed) {
        r.run();
      }
    });
  }

  private void delivered(String resourceVersion, Event event) {
    if (failures > 1) {
      log.info("Watch on lease {} works again", store.describe());
    }
    failures = 0;
    if (resourceVersion != null && !resourceVersion.isEmpty()) {
      resumeFrom = resourceVersion;
    }
    sink.accept(event);
  }

  private void ended(Throwable cause, boolean expired) {
    watch = null;
    generation++;
    if (closed) {
      return;
    }
    if (expired) {
      // The resume point is compacted away: start from the current state.
      log.debug("Watch on lease {} expired (410); watching from the current state", store.describe());
      resumeFrom = null;
      open(null);
      return;
    }
    if (cause == null) {
      open(resumeFrom); // a normal server-side timeout
      return;
    }
    failures++;
    // Once per outage: at once for a refused permission (it will not fix itself), else when a
    // restart failed too (a single dropped connection is routine).
    boolean forbidden = cause instanceof LeaseStoreException.Forbidden;
    if (forbidden ? failures == 1 : failures == 2) {
      String advice = cause instanceof LeaseStoreException.Forbidden
          ? " The Role needs verb \"watch\" on leases; until then every follower polls the lease."
          : " Followers poll the lease until it works again.";
      log.warn("Watch on lease {} fails: {}.{}", store.describe(), cause.getMessage(), advice);
    } else {
      log.debug("Watch on lease {} failed: {}", store.describe(), cause.toString());
    }
    // The first failure restarts at once; then back off, so a refused watch costs little.
    long periods = failures <= 1 ? 0 : Math.min(1L << (failures - 2), MAX_BACKOFF_RETRY_PERIODS);
    restartTimer = thread.schedule(() -> {
      if (!closed && watch == null) {
        open(resumeFrom);
      }
    }, retryPeriod.toNanos() * periods);
  }

  private void stop() {
    generation++;
    LeaseWatch w = watch;
    watch = null;
    if (w != null) {
      try {
        w.close();
      } catch (RuntimeException e) {
        log.debug("Closing the watch on lease {} failed", store.describe(), e);
      }
    }
  }
}
