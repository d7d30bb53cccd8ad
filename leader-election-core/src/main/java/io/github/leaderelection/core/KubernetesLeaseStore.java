package io.github.leaderelection.core;

import com.google.gson.JsonObject;
import com.google.gson.reflect.TypeToken;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1Status;
import io.kubernetes.client.util.Watch;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
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
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
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
  // Events are read as plain JSON: the generated models reject fields they do not define (rule 25).
  private static final Type WATCH_TYPE = new TypeToken<Watch.Response<JsonObject>>() {}.getType();
  private static final MediaType JSON_TYPE = MediaType.get("application/json; charset=utf-8");
  private static final Pattern FORBIDDEN_USER = Pattern.compile("User \"([^\"]*)\"");

  private final ApiClient apiClient;
  private final CoordinationV1Api api;
  private final String namespace;
  private final String name;
  private final OkHttpClient requestClient;
  private final OkHttpClient watchClient;
  private final Duration watchTimeout;
  private final Duration requestTimeout;

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
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    // TCP_NODELAY: a release (a GET then a PUT) must not wait out Nagle against delayed ACKs,
    // which cost about 40 ms per handover.
    SocketFactory noDelay = new NoDelaySocketFactory(apiClient.getHttpClient().socketFactory());
    // A call timeout bounds the whole request, retries and redirects included, so no request
    // can outlast the renew deadline.
    this.requestClient = apiClient.getHttpClient().newBuilder()
        .socketFactory(noDelay)
        .callTimeout(requestTimeout)
        .build();
    // Server-side watch timeouts are spread over 5-10 minutes so candidates do not reconnect
    // together; the read timeout only has to exceed the bookmark interval (about a minute).
    this.watchTimeout = Duration.ofSeconds(300 + ThreadLocalRandom.current().nextInt(300));
    this.watchClient = apiClient.getHttpClient().newBuilder()
        .socketFactory(noDelay)
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
      return LeaseJson.toVersioned(execute("get", api.readNamespacedLease(name, namespace).buildCall(null), null));
    } catch (LeaseStoreException.NotFound e) {
      return null;
    } catch (ApiException e) {
      throw new IllegalStateException(e); // building a call does no I/O
    }
  }

  @Override
  public VersionedLease create(LeaseRecord record) throws LeaseStoreException {
    JsonObject lease = LeaseJson.newLease(namespace, name, record);
    try {
      return LeaseJson.toVersioned(execute("create", api.createNamespacedLease(namespace, new V1Lease()).buildCall(null), lease));
    } catch (ApiException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public VersionedLease update(VersionedLease current, LeaseRecord record) throws LeaseStoreException {
    if (!(current.storeState() instanceof JsonObject read)) {
      throw new IllegalArgumentException("Not a lease read by this store: " + current);
    }
    // A copy of the whole object read: every field we do not own, unknown ones included, is
    // written back exactly as it was (rule 17), and the read object stays as it was for a retry.
    JsonObject lease = LeaseJson.forUpdate(read, current.resourceVersion(), namespace, name, record);
    try {
      return LeaseJson.toVersioned(execute("update",
          api.replaceNamespacedLease(name, namespace, new V1Lease()).buildCall(null), lease));
    } catch (ApiException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Deletes the lease if it is still at {@code current}'s resourceVersion; a lease already gone
   * is not an error.
   *
   * @throws LeaseStoreException.Conflict if the lease changed since {@code current} was read
   */
  public void delete(VersionedLease current) throws LeaseStoreException {
    JsonObject options = new JsonObject();
    options.addProperty("apiVersion", "v1");
    options.addProperty("kind", "DeleteOptions");
    JsonObject preconditions = new JsonObject();
    preconditions.addProperty("resourceVersion", current.resourceVersion());
    options.add("preconditions", preconditions);
    try {
      execute("delete", api.deleteNamespacedLease(name, namespace).buildCall(null), options);
    } catch (LeaseStoreException.NotFound gone) {
      // deleted already: what was asked
    } catch (ApiException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public LeaseWatch watch(String resourceVersion, LeaseWatchListener listener) {
    return startWatch(resourceVersion, "metadata.name=" + name, new NamedListener() {
      @Override
      public void onUpsert(String leaseName, VersionedLease lease) {
        listener.onUpsert(lease);
      }

      @Override
      public void onDeleted(String leaseName, String resourceVersion) {
        listener.onDeleted(resourceVersion);
      }

      @Override
      public void onBookmark(String resourceVersion) {
        listener.onBookmark(resourceVersion);
      }

      @Override
      public void onClosed(Throwable cause, boolean resourceVersionExpired) {
        listener.onClosed(cause, resourceVersionExpired);
      }
    }, "leader-election-watch-" + name);
  }

  /** The events of a watch on every Lease of a namespace, each with its lease's name. */
  interface NamedListener {
    void onUpsert(String leaseName, VersionedLease lease);

    void onDeleted(String leaseName, String resourceVersion);

    void onBookmark(String resourceVersion);

    void onClosed(Throwable cause, boolean resourceVersionExpired);
  }

  /** The Leases of a namespace at one resourceVersion. */
  record Listing(java.util.Map<String, VersionedLease> leases, String resourceVersion) {}

  /** Watches every Lease of this store's namespace (for {@link SharedLeaseWatch}). */
  LeaseWatch watchNamespace(String resourceVersion, NamedListener listener) {
    return startWatch(resourceVersion, null, listener, "leader-election-watch-" + namespace);
  }

  /** Lists every Lease of this store's namespace (for {@link SharedLeaseWatch}). */
  Listing listNamespace() throws LeaseStoreException {
    JsonObject list;
    try {
      list = execute("list", api.listNamespacedLease(namespace).buildCall(null), null);
    } catch (ApiException e) {
      throw new IllegalStateException(e);
    }
    java.util.Map<String, VersionedLease> leases = new java.util.HashMap<>();
    if (list.has("items") && list.get("items").isJsonArray()) {
      for (com.google.gson.JsonElement item : list.getAsJsonArray("items")) {
        JsonObject lease = item.getAsJsonObject();
        leases.put(LeaseJson.name(lease), LeaseJson.toVersioned(lease));
      }
    }
    JsonObject metadata = list.has("metadata") ? list.getAsJsonObject("metadata") : null;
    String rv = metadata != null && metadata.has("resourceVersion") ? metadata.get("resourceVersion").getAsString() : "";
    return new Listing(leases, rv);
  }

  private LeaseWatch startWatch(String resourceVersion, String fieldSelector, NamedListener listener, String threadName) {
    WatchLoop loop = new WatchLoop(resourceVersion, fieldSelector, listener);
    Thread thread = new Thread(loop, threadName);
    thread.setDaemon(true);
    thread.start();
    return loop;
  }

  // --- requests -------------------------------------------------------------------------------

  /**
   * Runs the request of {@code template} (its URL, method and authentication) on the client with
   * the call timeout, with {@code body} as the JSON body when given, and reads the answer as JSON.
   */
  private JsonObject execute(String verb, Call template, JsonObject body) throws LeaseStoreException {
    Request request = template.request();
    if (body != null) {
      RequestBody json = RequestBody.create(body.toString(), JSON_TYPE);
      request = request.newBuilder().method(request.method(), json).build();
    }
    Call call = requestClient.newCall(request);
    try {
      JsonObject answer = apiClient.<JsonObject>execute(call, JsonObject.class).getData();
      if (answer == null) {
        throw new LeaseStoreException(verb + " lease " + describe() + " failed: empty answer", 0, null);
      }
      return answer;
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

  // --- mapping (kept for tests and callers holding client models) ----------------------------------

  /** The MicroTime the store writes for {@code instant}: UTC, six fractional digits (rule 18). */
  static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
  }

  /** Reads a client-model Lease the way the store reads the server's JSON. */
  static VersionedLease toVersioned(V1Lease lease) {
    return LeaseJson.toVersioned(com.google.gson.JsonParser.parseString(
        io.kubernetes.client.openapi.JSON.serialize(lease)).getAsJsonObject());
  }

  // --- watch ------------------------------------------------------------------------------------

  /** One watch request, read on its own thread until it ends; then onClosed, exactly once. */
  private final class WatchLoop implements Runnable, LeaseWatch {
    private final String resourceVersion;
    private final String fieldSelector;
    private final NamedListener listener;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean reported = new AtomicBoolean();
    private volatile Watch<JsonObject> watch;
    private volatile Call call;

    WatchLoop(String resourceVersion, String fieldSelector, NamedListener listener) {
      this.resourceVersion = resourceVersion;
      this.fieldSelector = fieldSelector;
      this.listener = listener;
    }

    @Override
    public void run() {
      try {
        Call template = api.listNamespacedLease(namespace)
            .fieldSelector(fieldSelector)
            .resourceVersion(resourceVersion)
            .allowWatchBookmarks(true)
            .timeoutSeconds((int) watchTimeout.toSeconds())
            .watch(true)
            .buildCall(null);
        Call c = watchClient.newCall(template.request());
        call = c;
        if (closed.get()) {
          return;
        }
        // The response headers must come within a request timeout: the watch's read timeout is
        // minutes long (it must outlast bookmarks), a hung creation must not be.
        AtomicBoolean started = new AtomicBoolean();
        CompletableFuture.delayedExecutor(requestTimeout.toNanos(), TimeUnit.NANOSECONDS).execute(() -> {
          if (!started.get()) {
            c.cancel();
          }
        });
        watch = Watch.createWatch(apiClient, c, WATCH_TYPE);
        started.set(true);
        if (closed.get()) {
          closeQuietly();
          return;
        }
        for (Watch.Response<JsonObject> event : watch) {
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
    private boolean deliver(Watch.Response<JsonObject> event) {
      switch (event.type) {
        case "ADDED", "MODIFIED" -> listener.onUpsert(LeaseJson.name(event.object), LeaseJson.toVersioned(event.object));
        case "DELETED" -> listener.onDeleted(event.object == null ? null : LeaseJson.name(event.object),
            event.object == null ? null : LeaseJson.toVersioned(event.object).resourceVersion());
        case "BOOKMARK" -> listener.onBookmark(event.object == null ? null : LeaseJson.toVersioned(event.object).resourceVersion());
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
      Call c = call;
      if (c != null) {
        c.cancel(); // also ends a creation still waiting for headers
      }
      Watch<JsonObject> w = watch;
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

  /** Sockets with TCP_NODELAY, from the client's own socket factory. */
  private static final class NoDelaySocketFactory extends SocketFactory {
    private final SocketFactory delegate;

    NoDelaySocketFactory(SocketFactory delegate) {
      this.delegate = delegate;
    }

    private static Socket noDelay(Socket s) throws IOException {
      s.setTcpNoDelay(true);
      return s;
    }

    @Override
    public Socket createSocket() throws IOException {
      return noDelay(delegate.createSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return noDelay(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      return noDelay(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return noDelay(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
      return noDelay(delegate.createSocket(address, port, localAddress, localPort));
    }
  }

  /** The socket factory of the request client (for tests). */
  SocketFactory socketFactory() {
    return requestClient.socketFactory();
  }
}
