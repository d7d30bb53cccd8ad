package io.github.leaderelection.core;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link LeaseStore} in memory with the API server's semantics: a resourceVersion per
 * write, 409 on a stale or duplicate write, 404 on a missing lease, ordered watch events from
 * a resourceVersion, 410 for a compacted one. Several electors may share one instance.
 *
 * <p>Used by the Spring starter's local modes and by deterministic tests, which also use its
 * fault injection: hand edits, deletions, failing requests, stalled or broken watches.
 *
 * <p>Watch events are delivered synchronously on the thread that made the change, so
 * listeners must not block (the elector's only hand the event to its own thread).
 */
public final class InMemoryLeaseStore implements LeaseStore {

  /** The kinds of request, for fault injection and counting. */
  public enum Operation { GET, CREATE, UPDATE, WATCH }

  /** Runs before each request; may throw to fail it, or advance a fake clock to make it slow. */
  @FunctionalInterface
  public interface Interceptor {
    void beforeRequest(Operation operation) throws LeaseStoreException;
  }

  /** What the store keeps: the owned fields plus fields the elector does not own (rule 17). */
  private record Stored(LeaseRecord record, Map<String, String> otherFields, long resourceVersion) {}

  private record Event(long resourceVersion, Stored object) {} // object null: deleted

  private final String namespace;
  private final String name;
  private final List<Event> history = new ArrayList<>();
  private final List<InMemoryWatch> watches = new ArrayList<>();
  private final Map<Operation, Deque<LeaseStoreException>> failures = new EnumMap<>(Operation.class);
  private final Map<Operation, Integer> counts = new EnumMap<>(Operation.class);
  private long revision = 100;
  private long compactedBefore;
  private Stored current;
  private boolean watchesStalled;
  private Interceptor interceptor = op -> {};

  /** A store for the lease {@code namespace/name}. */
  public InMemoryLeaseStore(String namespace, String name) {
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.name = Objects.requireNonNull(name, "name");
  }

  /** A store for the lease named in {@code config}. */
  public InMemoryLeaseStore(ElectionConfig config) {
    this(config.namespace(), config.leaseName());
  }

  @Override
  public String describe() {
    return namespace + "/" + name;
  }

  @Override
  public synchronized VersionedLease get() throws LeaseStoreException {
    before(Operation.GET);
    return current == null ? null : versioned(current);
  }

  @Override
  public synchronized VersionedLease create(LeaseRecord record) throws LeaseStoreException {
    before(Operation.CREATE);
    if (current != null) {
      throw new LeaseStoreException.Conflict("create lease " + describe() + ": already exists", null);
    }
    return versioned(write(record, Map.of()));
  }

  @Override
  public synchronized VersionedLease update(VersionedLease read, LeaseRecord record) throws LeaseStoreException {
    before(Operation.UPDATE);
    if (current == null) {
      throw new LeaseStoreException.NotFound("update lease " + describe() + ": not found", null);
    }
    if (!Long.toString(current.resourceVersion).equals(read.resourceVersion())) {
      throw new LeaseStoreException.Conflict("update lease " + describe() + ": resourceVersion "
          + read.resourceVersion() + " is stale, now " + current.resourceVersion, null);
    }
    // Fields not owned by the elector come from the object the writer read, as with a replace.
    Map<String, String> others = read.storeState() instanceof Stored s ? s.otherFields : current.otherFields;
    return versioned(write(record, others));
  }

  @Override
  public synchronized LeaseWatch watch(String resourceVersion, LeaseWatchListener listener) {
    InMemoryWatch watch = new InMemoryWatch(listener);
    try {
      before(Operation.WATCH);
    } catch (LeaseStoreException e) {
      watch.end(e, false);
      return watch;
    }
    watches.add(watch);
    if (resourceVersion == null || resourceVersion.isEmpty()) {
      if (current != null) {
        watch.send(new Event(current.resourceVersion, current));
      }
      return watch;
    }
    long from = Long.parseLong(resourceVersion);
    if (from < compactedBefore) {
      watch.end(null, true);
      return watch;
    }
    for (Event e : history) {
      if (e.resourceVersion > from) {
        watch.send(e);
      }
    }
    return watch;
  }

  // --- fault injection and inspection -----------------------------------------------------------

  /** Writes the lease as another client would, unconditionally (a hand edit). */
  public synchronized VersionedLease forceWrite(LeaseRecord record) {
    return versioned(write(record, current == null ? Map.of() : current.otherFields));
  }

  /** Sets a field the elector does not own, such as "label:app" or "spec.strategy". */
  public synchronized void setOtherField(String field, String value) {
    if (current == null) {
      throw new IllegalStateException("lease " + describe() + " does not exist");
    }
    Map<String, String> others = new LinkedHashMap<>(current.otherFields);
    others.put(field, value);
    write(current.record, others);
  }

  /** A field the elector does not own, or null. */
  public synchronized String otherField(String field) {
    return current == null ? null : current.otherFields.get(field);
  }

  /** Deletes the lease, as {@code kubectl delete lease} would. */
  public synchronized void delete() {
    if (current != null) {
      current = null;
      publish(new Event(++revision, null));
    }
  }

  /** The lease's owned fields now, or null when it does not exist. */
  public synchronized LeaseRecord peek() {
    return current == null ? null : current.record;
  }

  /** Makes the next request of this kind fail with {@code failure} (queued, once each). */
  public synchronized void failNext(Operation operation, LeaseStoreException failure) {
    failures.computeIfAbsent(operation, o -> new ArrayDeque<>()).add(failure);
  }

  /** Runs {@code interceptor} before every request (replacing the previous one). */
  public synchronized void intercept(Interceptor interceptor) {
    this.interceptor = Objects.requireNonNull(interceptor, "interceptor");
  }

  /** Open watches stop receiving events, silently, like a stalled connection. */
  public synchronized void stallWatches() {
    watchesStalled = true;
  }

  /** New events reach open watches again (the missed ones stay missed). */
  public synchronized void unstallWatches() {
    watchesStalled = false;
  }

  /** Ends every open watch with a connection error. */
  public synchronized void breakWatches() {
    for (InMemoryWatch w : List.copyOf(watches)) {
      w.end(new IOException("connection reset (injected)"), false);
    }
  }

  /** Forgets history, so watches from an older resourceVersion get 410 Gone. */
  public synchronized void compact() {
    compactedBefore = revision;
    history.clear();
    for (InMemoryWatch w : List.copyOf(watches)) {
      w.end(null, true);
    }
  }

  /** How many requests of this kind were made (failed ones included). */
  public synchronized int requestCount(Operation operation) {
    return counts.getOrDefault(operation, 0);
  }

  /** How many watches are open. */
  public synchronized int openWatches() {
    return watches.size();
  }

  // --- internals --------------------------------------------------------------------------------------

  private void before(Operation operation) throws LeaseStoreException {
    counts.merge(operation, 1, Integer::sum);
    interceptor.beforeRequest(operation);
    Deque<LeaseStoreException> queued = failures.get(operation);
    if (queued != null && !queued.isEmpty()) {
      throw queued.poll();
    }
  }

  private Stored write(LeaseRecord record, Map<String, String> others) {
    current = new Stored(record, Map.copyOf(others), ++revision);
    publish(new Event(current.resourceVersion, current));
    return current;
  }

  private void publish(Event event) {
    history.add(event);
    if (!watchesStalled) {
      for (InMemoryWatch w : List.copyOf(watches)) {
        w.send(event);
      }
    }
  }

  private static VersionedLease versioned(Stored s) {
    return new VersionedLease(s.record, Long.toString(s.resourceVersion), s);
  }

  private final class InMemoryWatch implements LeaseWatch {
    private final LeaseWatchListener listener;
    private boolean ended;

    InMemoryWatch(LeaseWatchListener listener) {
      this.listener = listener;
    }

    void send(Event e) {
      if (ended) {
        return;
      }
      if (e.object == null) {
        listener.onDeleted(Long.toString(e.resourceVersion));
      } else {
        listener.onUpsert(versioned(e.object));
      }
    }

    void end(Throwable cause, boolean expired) {
      synchronized (InMemoryLeaseStore.this) {
        if (ended) {
          return;
        }
        ended = true;
        watches.remove(this);
      }
      listener.onClosed(cause, expired);
    }

    @Override
    public void close() {
      end(null, false);
    }
  }
}
