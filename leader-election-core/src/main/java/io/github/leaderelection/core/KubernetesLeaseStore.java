package io.github.leaderelection.core;

import com.google.gson.reflect.TypeToken;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Status;
import io.kubernetes.client.util.Watch;
import java.io.IOException;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LeaseStore} on a coordination.k8s.io/v1 Lease through the official Java client.
 *
 * <p>Each request runs with its own call timeout (rule 4) on a client derived from the given
 * {@link ApiClient}, which is left as it was; its authentication and TLS settings are kept.
 * Updates replace the object read, with its resourceVersion, changing only the fields leader
 * election owns (rule 17). Times are written in UTC with microseconds (rule 18).
 */
public final class KubernetesLeaseStore implements LeaseStore {

  private static final Logger log = LoggerFactory.getLogger(KubernetesLeaseStore.class);
  private static final Type WATCH_TYPE = new TypeToken<Watch.Response<V1Lease>>() {}.getType();
  private static final Pattern FORBIDDEN_USER = Pattern.compile("User \"([^\"]*)\"");

  private final ApiClient apiClient;
  private final CoordinationV1Api api;
  private final String namespace;
  private final String name;
  private final OkHttpClient requestClient;
  private final OkHttpClient watchClient;
  private final Duration watchTimeout;

  /** A store for the lease named in {@code config}, with its request timeout. */
  public KubernetesLeaseStore(ApiClient apiClient, ElectionConfig config) {
    this(apiClient, config.namespace(), config.leaseName(), config.requestTimeout());
  }

  /**
   * @param apiClient the client to talk through; not modified
   * @param namespace the lease's namespace
   * @param name the lease's name
   * @param requestTimeout the timeout of each request (watches excepted)
   */
  public KubernetesLeaseStore(ApiClient apiClient, String namespace, String name, Duration requestTimeout) {
    this.apiClient = Objects.requireNonNull(apiClient, "apiClient");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.name = Objects.requireNonNull(name, "name");
    this.api = new CoordinationV1Api(apiClient);
    // A call timeout bounds the whole request, retries and redirects included, so no request
    // can outlast the renew deadline.
    this.requestClient = apiClient.getHttpClient().newBuilder()
        .callTimeout(requestTimeout)
        .build();
    // Server-side watch timeouts are spread over 5-10 minutes so candidates do not reconnect
    // together; the read timeout only has to exceed the bookmark interval (about a minute).
    this.watchTimeout = Duration.ofSeconds(300 + ThreadLocalRandom.current().nextInt(300));
    this.watchClient = apiClient.getHttpClient().newBuilder()
        .callTimeout(Duration.ZERO)
        .readTimeout(watchTimeout.plusSeconds(30))
        .build();
  }

  @Override
  public String describe() {
    return namespace + "/" + name;
  }

  @Override
  public VersionedLease get() throws LeaseStoreException {
    try {
      return toVersioned(execute("get", api.readNamespacedLease(name, namespace).buildCall(null)));
    } catch (LeaseStoreException.NotFound e) {
      return null;
    } catch (ApiException e) {
      throw new IllegalStateException(e); // building a call does no I/O
    }
  }

  @Override
  public VersionedLease create(LeaseRecord record) throws LeaseStoreException {
    V1Lease lease = new V1Lease()
        .apiVersion("coordination.k8s.io/v1")
        .kind("Lease")
        .metadata(new V1ObjectMeta().name(name).namespace(namespace))
        .spec(applyOwned(new V1LeaseSpec(), record));
    try {
      return toVersioned(execute("create", api.createNamespacedLease(namespace, lease).buildCall(null)));
    } catch (ApiException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public VersionedLease update(VersionedLease current, LeaseRecord record) throws LeaseStoreException {
    if (!(current.storeState() instanceof V1Lease read)) {
      throw new IllegalArgumentException("Not a lease read by this store: " + current);
    }
    // Work on a copy of the whole object read, so every field we do not own is written back
    // exactly as it was (rule 17), and the read object stays unchanged for a retry.
    V1Lease lease = copy(read);
    if (lease.getMetadata() == null) {
      lease.setMetadata(new V1ObjectMeta().name(name).namespace(namespace));
    }
    lease.getMetadata().setResourceVersion(current.resourceVersion());
    lease.setSpec(applyOwned(lease.getSpec() == null ? new V1LeaseSpec() : lease.getSpec(), record));
    try {
      return toVersioned(execute("update", api.replaceNamespacedLease(name, namespace, lease).buildCall(null)));
    } catch (ApiException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public LeaseWatch watch(String resourceVersion, LeaseWatchListener listener) {
    WatchLoop loop = new WatchLoop(resourceVersion, listener);
    Thread thread = new Thread(loop, "leader-election-watch-" + name);
    thread.setDaemon(true);
    thread.start();
    return loop;
  }

  // --- requests -------------------------------------------------------------------------------

  private V1Lease execute(String verb, Call template) throws LeaseStoreException {
    Call call = requestClient.newCall(template.request());
    try {
      return apiClient.<V1Lease>execute(call, V1Lease.class).getData();
    } catch (ApiException e) {
      throw translate(verb, e);
    }
  }

  private LeaseStoreException translate(String verb, ApiException e) {
    int code = e.getCode();
    String what = verb + " lease " + describe();
    String detail = serverMessage(e);
    return switch (code) {
      case 409 -> new LeaseStoreException.Conflict(what + ": conflict (" + detail + ")", e);
      case 404 -> new LeaseStoreException.NotFound(what + ": not found", e);
      case 403 -> forbidden(verb, detail, e);
      case 0 -> new LeaseStoreException(what + " failed: "
          + (e.getCause() != null ? e.getCause().toString() : e.getMessage()), 0, e);
      default -> new LeaseStoreException(what + " failed with HTTP " + code + ": " + detail, code, e);
    };
  }

  private LeaseStoreException.Forbidden forbidden(String verb, String detail, Throwable cause) {
    Matcher m = FORBIDDEN_USER.matcher(detail);
    String user = m.find() ? m.group(1) : null;
    String message = "the API server refused to " + verb + " leases (coordination.k8s.io) in namespace \""
        + namespace + "\"" + (user != null ? " for user \"" + user + "\"" : "")
        + ": grant verb \"" + verb + "\" on resource \"leases\" in a Role bound to that user"
        + " (server said: " + detail + ")";
    return new LeaseStoreException.Forbidden(message, verb, namespace, user, cause);
  }

  private String serverMessage(ApiException e) {
    String body = e.getResponseBody();
    if (body != null && !body.isBlank()) {
      try {
        V1Status status = apiClient.getJSON().deserialize(body, V1Status.class);
        if (status != null && status.getMessage() != null) {
          return status.getMessage();
        }
      } catch (RuntimeException notStatus) {
        return body.length() > 300 ? body.substring(0, 300) + "..." : body;
      }
    }
    return e.getMessage() == null ? "HTTP " + e.getCode() : e.getMessage();
  }

  // --- mapping ----------------------------------------------------------------------------------

  private V1Lease copy(V1Lease lease) {
    return apiClient.getJSON().deserialize(apiClient.getJSON().serialize(lease), V1Lease.class);
  }

  private static V1LeaseSpec applyOwned(V1LeaseSpec spec, LeaseRecord r) {
    spec.setHolderIdentity(r.holderIdentity());
    spec.setLeaseDurationSeconds(r.leaseDurationSeconds());
    spec.setAcquireTime(utc(r.acquireTime()));
    spec.setRenewTime(utc(r.renewTime()));
    spec.setLeaseTransitions(r.leaseTransitions());
    return spec;
  }

  /**
   * The client writes an OffsetDateTime's local time followed by "Z" whatever its offset, so
   * convert to UTC here (rule 18), with the microsecond precision MicroTime keeps.
   */
  static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
  }

  static VersionedLease toVersioned(V1Lease lease) {
    V1LeaseSpec spec = lease.getSpec();
    LeaseRecord record = spec == null ? LeaseRecord.EMPTY : new LeaseRecord(
        spec.getHolderIdentity(),
        spec.getLeaseDurationSeconds(),
        spec.getAcquireTime() == null ? null : spec.getAcquireTime().toInstant(),
        spec.getRenewTime() == null ? null : spec.getRenewTime().toInstant(),
        spec.getLeaseTransitions());
    String rv = lease.getMetadata() == null ? null : lease.getMetadata().getResourceVersion();
    return new VersionedLease(record, rv == null ? "" : rv, lease);
  }

  // --- watch ------------------------------------------------------------------------------------

  /** One watch request, read on its own thread until it ends; then onClosed, exactly once. */
  private final class WatchLoop implements Runnable, LeaseWatch {
    private final String resourceVersion;
    private final LeaseWatchListener listener;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean reported = new AtomicBoolean();
    private volatile Watch<V1Lease> watch;

    WatchLoop(String resourceVersion, LeaseWatchListener listener) {
      this.resourceVersion = resourceVersion;
      this.listener = listener;
    }

    @Override
    public void run() {
      try {
        Call template = api.listNamespacedLease(namespace)
            .fieldSelector("metadata.name=" + name)
            .resourceVersion(resourceVersion)
            .allowWatchBookmarks(true)
            .timeoutSeconds((int) watchTimeout.toSeconds())
            .watch(true)
            .buildCall(null);
        watch = Watch.createWatch(apiClient, watchClient.newCall(template.request()), WATCH_TYPE);
        if (closed.get()) {
          closeQuietly();
          return;
        }
        for (Watch.Response<V1Lease> event : watch) {
          if (closed.get()) {
            break;
          }
          if (!deliver(event)) {
            return;
          }
        }
        end(null, false);
      } catch (ApiException e) {
        end(e.getCode() == 410 ? null : translate("watch", e), e.getCode() == 410);
      } catch (RuntimeException e) {
        // The client reports a dropped connection as a RuntimeException around an IOException.
        end(closed.get() ? null : e, false);
      } finally {
        closeQuietly();
      }
    }

    /** Hands one event to the listener; false when it ended the watch. */
    private boolean deliver(Watch.Response<V1Lease> event) {
      switch (event.type) {
        case "ADDED", "MODIFIED" -> listener.onUpsert(toVersioned(event.object));
        case "DELETED" -> listener.onDeleted(event.object == null || event.object.getMetadata() == null
            ? null : event.object.getMetadata().getResourceVersion());
        case "BOOKMARK" -> listener.onBookmark(event.object == null || event.object.getMetadata() == null
            ? null : event.object.getMetadata().getResourceVersion());
        case "ERROR" -> {
          V1Status status = event.status;
          boolean expired = status != null && status.getCode() != null && status.getCode() == 410;
          end(expired ? null : new IOException("watch of lease " + describe() + " ended with an error: "
              + (status == null ? "no status" : status.getMessage())), expired);
          return false;
        }
        default -> log.debug("Ignoring watch event of type {} on {}", event.type, describe());
      }
      return true;
    }

    private void end(Throwable cause, boolean expired) {
      if (reported.compareAndSet(false, true)) {
        listener.onClosed(cause, expired);
      }
    }

    private void closeQuietly() {
      Watch<V1Lease> w = watch;
      if (w != null) {
        try {
          w.close();
        } catch (IOException | RuntimeException e) {
          log.trace("Closing watch on {}", describe(), e);
        }
      }
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        closeQuietly();
        end(null, false);
      }
    }
  }
}
