package io.github.leaderelection.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch on the Leases of a namespace, shared by the electors of several of them: an
 * application with many elections opens one watch, not one per Lease. Stores made with
 * {@link #share} read and write their own Lease as before; their {@code watch} is a
 * subscription to this one.
 *
 * <p>It works like an informer: it lists the namespace's Leases, then watches from the list's
 * resourceVersion, and keeps the latest state of each. A subscriber that starts (or resumes
 * from a resourceVersion) gets its Lease's latest state if it is newer than what it saw, so no
 * change is missed between its last event and its subscription. Every event of any Lease is
 * also a bookmark for the other subscribers: the stream is in resourceVersion order, so
 * having heard up to a version means having heard every change of their own Lease up to it;
 * their silence detector (rule 7) then stays quiet, and followers of many elections send no
 * reads while the watch is healthy.
 *
 * <p>Failures: a watch that ends normally resumes from the last version; an expired version
 * (410) or an error lists again (after a back-off of 1, 2, 4, then 8 retry periods) and hands
 * each subscriber what changed. Meanwhile subscribers hear nothing and fall back on their own
 * polls. When the server refuses the namespace-wide list or watch (HTTP 403: the Role names its
 * Leases with resourceNames, which cannot restrict a list), it logs one WARN and every
 * subscription becomes a watch of its own Lease, as without sharing.
 */
public final class SharedLeaseWatch implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SharedLeaseWatch.class);

  private final KubernetesLeaseStore upstream;
  private final Duration retryPeriod;
  private final String namespace;

  // All guarded by this.
  private final Map<String, List<Subscription>> subscribers = new HashMap<>();
  private final List<PrefixObservation> observers = new ArrayList<>();
  private final Map<String, VersionedLease> leases = new HashMap<>();
  /** The resourceVersion of the deletion of each Lease seen deleted since the last list. */
  private final Map<String, String> deleted = new HashMap<>();
  private String position = "";
  private boolean synced;
  private boolean starting;
  private boolean fallback;
  private LeaseStoreException fallbackCause;
  private boolean closed;
  private int failures;
  private int generation;
  private LeaseWatch watch;

  /**
   * @param upstream a store in the namespace to watch; its client lists and watches
   * @param namespace that namespace, for messages
   * @param retryPeriod the base of the back-off after failures
   */
  public SharedLeaseWatch(KubernetesLeaseStore upstream, String namespace, Duration retryPeriod) {
    this.upstream = Objects.requireNonNull(upstream, "upstream");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.retryPeriod = Objects.requireNonNull(retryPeriod, "retryPeriod");
  }

  /**
   * A store that reads and writes through {@code store}, whose watch is a subscription to this
   * shared watch for {@code leaseName}.
   */
  public LeaseStore share(LeaseStore store, String leaseName) {
    return new SharedStore(store, leaseName);
  }

  /**
   * Sees every Lease whose name starts with {@code prefix}: once the watch is in sync, and after
   * every change among them (a relist included), {@code observer} gets all of them as they are
   * now. Calls come one at a time and must return quickly. When the
   * namespace-wide watch is refused, {@link PrefixObserver#onUnavailable} is called once and
   * nothing more.
   *
   * @return a handle that ends the observation
   */
  public LeaseWatch observe(String prefix, PrefixObserver observer) {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(observer, "observer");
    PrefixObservation o = new PrefixObservation(prefix, observer);
    LeaseStoreException refused = null;
    synchronized (this) {
      if (closed) {
        return () -> {};
      }
      if (fallback) {
        refused = fallbackCause;
      } else {
        observers.add(o);
        if (synced) {
          o.deliver(leases);
        } else if (!starting) {
          starting = true;
          int gen = ++generation;
          CompletableFuture.runAsync(() -> sync(gen), command -> daemon(command).start());
        }
      }
    }
    if (refused != null) {
      observer.onUnavailable(refused);
    }
    return () -> {
      synchronized (SharedLeaseWatch.this) {
        observers.remove(o);
      }
    };
  }

  /** Receives the Leases of a name prefix; see {@link #observe}. */
  public interface PrefixObserver {
    /** The Leases of the prefix now, by name; an unmodifiable copy. */
    void onLeases(Map<String, VersionedLease> leases);

    /** The namespace-wide watch was refused: no more calls will come. */
    default void onUnavailable(LeaseStoreException cause) {}
  }

  /** Open subscriptions, for tests and status. */
  public synchronized int subscriptions() {
    return subscribers.values().stream().mapToInt(List::size).sum();
  }

  /** Whether the namespace-wide watch was refused and each subscription watches its own Lease. */
  public synchronized boolean fellBack() {
    return fallback;
  }

  @Override
  public void close() {
    List<Subscription> all;
    LeaseWatch w;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>();
      subscribers.values().forEach(all::addAll);
      subscribers.clear();
      observers.clear();
      w = watch;
      watch = null;
    }
    if (w != null) {
      w.close();
    }
    all.forEach(Subscription::ended);
  }

  // --- subscriptions --------------------------------------------------------------------------

  private LeaseWatch subscribe(LeaseStore own, String name, String resourceVersion, LeaseWatchListener listener) {
    Subscription sub;
    synchronized (this) {
      if (fallback || closed) {
        return own.watch(resourceVersion, listener);
      }
      sub = new Subscription(name, listener);
      subscribers.computeIfAbsent(name, k -> new ArrayList<>()).add(sub);
      if (synced) {
        catchUp(sub, resourceVersion);
      } else {
        sub.pending = resourceVersion == null ? "" : resourceVersion;
      }
      if (!synced && !starting) {
        starting = true;
        int gen = ++generation;
        CompletableFuture.runAsync(() -> sync(gen), command -> daemon(command).start());
      }
    }
    return sub;
  }

  private synchronized void unsubscribe(Subscription sub) {
    List<Subscription> subs = subscribers.get(sub.name);
    if (subs != null) {
      subs.remove(sub);
      if (subs.isEmpty()) {
        subscribers.remove(sub.name);
      }
    }
    if (subscribers.isEmpty() && observers.isEmpty() && watch != null) {
      // Nobody listens: stop; the next subscription lists again.
      LeaseWatch w = watch;
      watch = null;
      synced = false;
      generation++;
      w.close();
    }
  }

  /** Hands {@code sub}, which saw up to {@code from}, what it missed, then the position. */
  private void catchUp(Subscription sub, String from) {
    VersionedLease latest = leases.get(sub.name);
    if (latest != null) {
      if (newer(latest.resourceVersion(), from)) {
        sub.listener.onUpsert(latest);
      }
    } else if (deleted.containsKey(sub.name)) {
      if (newer(deleted.get(sub.name), from)) {
        sub.listener.onDeleted(deleted.get(sub.name));
      }
    } else if (from != null && !from.isEmpty() && newer(position, from)) {
      // Absent at the list, and the subscriber saw a version before it: deleted meanwhile.
      sub.listener.onDeleted(position);
    }
    if (!position.isEmpty()) {
      sub.listener.onBookmark(position);
    }
  }

  // --- the upstream watch ---------------------------------------------------------------------

  /** Lists, hands every subscriber what changed, and watches from the list's version. */
  private void sync(int gen) {
    KubernetesLeaseStore.Listing listing;
    try {
      listing = upstream.listNamespace();
    } catch (LeaseStoreException.Forbidden e) {
      fallBack(e);
      return;
    } catch (LeaseStoreException | RuntimeException e) {
      retryLater(gen, e);
      return;
    }
    synchronized (this) {
      if (gen != generation || closed) {
        return;
      }
      for (Map.Entry<String, List<Subscription>> e : subscribers.entrySet()) {
        VersionedLease before = leases.get(e.getKey());
        VersionedLease now = listing.leases().get(e.getKey());
        for (Subscription sub : e.getValue()) {
          if (sub.pending != null) {
            continue; // caught up below, from its own version
          }
          if (now != null && (before == null || newer(now.resourceVersion(), before.resourceVersion()))) {
            sub.listener.onUpsert(now);
          } else if (now == null && before != null) {
            sub.listener.onDeleted(listing.resourceVersion());
          }
        }
      }
      leases.clear();
      leases.putAll(listing.leases());
      deleted.clear();
      position = listing.resourceVersion();
      synced = true;
      starting = false;
      subscribers.values().forEach(subs -> subs.forEach(sub -> {
        if (sub.pending != null) {
          String from = sub.pending;
          sub.pending = null;
          catchUp(sub, from);
        } else if (!position.isEmpty()) {
          sub.listener.onBookmark(position);
        }
      }));
      observers.forEach(o -> o.deliver(leases));
      openWatch(gen);
    }
  }

  /** Called with the lock held. */
  private void openWatch(int gen) {
    watch = upstream.watchNamespace(position, new KubernetesLeaseStore.NamedListener() {
      @Override
      public void onUpsert(String leaseName, VersionedLease lease) {
        changed(gen, leaseName, lease, lease.resourceVersion());
      }

      @Override
      public void onDeleted(String leaseName, String resourceVersion) {
        changed(gen, leaseName, null, resourceVersion);
      }

      @Override
      public void onBookmark(String resourceVersion) {
        synchronized (SharedLeaseWatch.this) {
          if (gen != generation || resourceVersion == null || resourceVersion.isEmpty()) {
            return;
          }
          position = resourceVersion;
          subscribers.values().forEach(subs -> subs.forEach(s -> s.listener.onBookmark(resourceVersion)));
        }
      }

      @Override
      public void onClosed(Throwable cause, boolean resourceVersionExpired) {
        ended(gen, cause, resourceVersionExpired);
      }
    });
  }

  private synchronized void changed(int gen, String name, VersionedLease lease, String resourceVersion) {
    if (gen != generation) {
      return;
    }
    failures = 0;
    if (lease != null) {
      leases.put(name, lease);
      deleted.remove(name);
    } else {
      leases.remove(name);
      deleted.put(name, resourceVersion == null ? "" : resourceVersion);
    }
    if (resourceVersion != null && !resourceVersion.isEmpty()) {
      position = resourceVersion;
    }
    for (PrefixObservation o : observers) {
      if (name.startsWith(o.prefix)) {
        o.deliver(leases);
      }
    }
    for (Map.Entry<String, List<Subscription>> e : subscribers.entrySet()) {
      for (Subscription sub : e.getValue()) {
        if (!e.getKey().equals(name)) {
          sub.listener.onBookmark(position); // heard up to here, with no change of their own
        } else if (lease != null) {
          sub.listener.onUpsert(lease);
        } else {
          sub.listener.onDeleted(resourceVersion);
        }
      }
    }
  }

  private void ended(int gen, Throwable cause, boolean expired) {
    synchronized (this) {
      if (gen != generation || closed) {
        return;
      }
      watch = null;
      if (subscribers.isEmpty() && observers.isEmpty()) {
        synced = false;
        return;
      }
      if (cause == null && !expired) {
        openWatch(gen); // a server-side timeout: resume where it ended
        return;
      }
      synced = false;
      starting = true;
    }
    if (cause instanceof LeaseStoreException.Forbidden f) {
      fallBack(f);
    } else if (expired) {
      sync(gen);
    } else {
      retryLater(gen, cause);
    }
  }

  private void retryLater(int gen, Throwable cause) {
    long delay;
    synchronized (this) {
      if (gen != generation || closed) {
        return;
      }
      failures++;
      delay = retryPeriod.toNanos() << Math.min(failures - 1, 3);
      if (failures == 1) {
        log.warn("Shared watch on the leases of namespace {} failed, retrying with back-off; each election"
            + " reads its own lease meanwhile: {}", namespace, cause == null ? "ended" : cause.toString());
      }
      starting = true;
      synced = false;
    }
    CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS, command -> daemon(command).start())
        .execute(() -> sync(gen));
  }

  private void fallBack(LeaseStoreException cause) {
    List<Subscription> all = new ArrayList<>();
    List<PrefixObservation> refused;
    synchronized (this) {
      if (fallback || closed) {
        return;
      }
      fallback = true;
      fallbackCause = cause;
      subscribers.values().forEach(all::addAll);
      subscribers.clear();
      refused = new ArrayList<>(observers);
      observers.clear();
      generation++;
    }
    refused.forEach(o -> o.observer.onUnavailable(cause));
    log.warn("The API server refused to list or watch all leases of namespace {} ({}); each election watches"
        + " its own lease instead (one watch per lease). To share one watch, grant \"list\" and \"watch\" on"
        + " \"leases\" in that namespace without resourceNames.", namespace, cause.getMessage());
    // Each subscriber's feed opens a watch of its own lease on this end.
    all.forEach(sub -> sub.listener.onClosed(cause, false));
  }

  private Thread daemon(Runnable r) {
    Thread t = new Thread(r, "leader-election-shared-watch-" + namespace);
    t.setDaemon(true);
    return t;
  }

  /** Whether version {@code a} is newer than {@code b} ("" or unparsable {@code b}: yes). */
  private static boolean newer(String a, String b) {
    long va = parse(a);
    long vb = parse(b);
    return vb < 0 || va < 0 || va > vb;
  }

  private static long parse(String rv) {
    if (rv == null || rv.isEmpty() || rv.length() > 18) {
      return -1;
    }
    for (int i = 0; i < rv.length(); i++) {
      if (rv.charAt(i) < '0' || rv.charAt(i) > '9') {
        return -1;
      }
    }
    return Long.parseLong(rv);
  }

  /** One observer of a name prefix. */
  private record PrefixObservation(String prefix, PrefixObserver observer) {
    void deliver(Map<String, VersionedLease> all) {
      Map<String, VersionedLease> matching = new HashMap<>();
      all.forEach((name, lease) -> {
        if (name.startsWith(prefix)) {
          matching.put(name, lease);
        }
      });
      try {
        observer.onLeases(Map.copyOf(matching));
      } catch (RuntimeException e) {
        log.error("Observer of the leases named {}* failed", prefix, e);
      }
    }
  }

  /** One subscriber's watch of one Lease. */
  private final class Subscription implements LeaseWatch {
    final String name;
    final LeaseWatchListener listener;
    final AtomicBoolean done = new AtomicBoolean();
    String pending; // guarded by SharedLeaseWatch.this: the version to catch up from once synced

    Subscription(String name, LeaseWatchListener listener) {
      this.name = name;
      this.listener = listener;
    }

    void ended() {
      if (done.compareAndSet(false, true)) {
        listener.onClosed(null, false);
      }
    }

    @Override
    public void close() {
      unsubscribe(this);
      ended();
    }
  }

  /** Reads and writes its own Lease; watches through the shared watch. */
  private final class SharedStore implements LeaseStore {
    private final LeaseStore own;
    private final String name;

    SharedStore(LeaseStore own, String name) {
      this.own = own;
      this.name = name;
    }

    @Override
    public String describe() {
      return own.describe();
    }

    @Override
    public VersionedLease get() throws LeaseStoreException {
      return own.get();
    }

    @Override
    public VersionedLease create(LeaseRecord record) throws LeaseStoreException {
      return own.create(record);
    }

    @Override
    public VersionedLease update(VersionedLease current, LeaseRecord record) throws LeaseStoreException {
      return own.update(current, record);
    }

    @Override
    public LeaseWatch watch(String resourceVersion, LeaseWatchListener listener) {
      return subscribe(own, name, resourceVersion, listener);
    }
  }
}
