package io.github.leaderelection.spring.election;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.LeadershipListener;
import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.core.LossReason;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1EventSource;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * Records Kubernetes Events on the Lease when this instance becomes leader or stops leading
 * ({@code leader.election.events.kubernetes.enabled}), so {@code kubectl describe lease} and
 * {@code kubectl get events} tell the election's history: type Normal, reason
 * {@code LeaderElection}, message "{@code <identity> became leader}" or
 * "{@code <identity> stopped leading}", as Kubernetes' own components do.
 *
 * <p>Events are a side show, never a part of the election: they are sent from a thread of
 * their own (the elector's listener thread only hands them over), each request has the
 * election's request timeout, and a failure is logged once at WARN (then at DEBUG), never
 * thrown. The application needs {@code create} on {@code events} in the lease's namespace.
 */
public class KubernetesEventRecorder implements LeadershipListener, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(KubernetesEventRecorder.class);
  /** Pending events beyond this are dropped: a stuck API server must not pile up memory. */
  private static final int QUEUE_CAPACITY = 16;

  private final ApiClient apiClient;
  private final ElectionConfig config;
  private final OkHttpClient requestClient;
  private final ThreadPoolExecutor executor;
  private final AtomicBoolean warned = new AtomicBoolean();

  /**
   * @param apiClient the client to send events through; not modified
   * @param config the election's lease, identity and request timeout
   */
  public KubernetesEventRecorder(ApiClient apiClient, ElectionConfig config) {
    this.apiClient = Objects.requireNonNull(apiClient, "apiClient");
    this.config = Objects.requireNonNull(config, "config");
    // Each request is bounded like the election's own, on a derived client.
    this.requestClient = apiClient.getHttpClient().newBuilder().callTimeout(config.requestTimeout()).build();
    this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(QUEUE_CAPACITY), r -> {
          Thread t = new Thread(r, "leader-election-events-" + config.leaseName());
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.AbortPolicy());
  }

  private KubernetesEventRecorder(ElectionConfig config) {
    this.apiClient = null;
    this.config = config;
    this.requestClient = null;
    this.executor = null;
  }

  /** A recorder that records nothing, for elections that do not run on Kubernetes. */
  static KubernetesEventRecorder disabled(ElectionConfig config) {
    return new KubernetesEventRecorder(config);
  }

  @Override
  public void onElected(LeadershipTerm term) {
    submit(term.identity() + " became leader (fencing token " + term.fencingToken() + ")");
  }

  @Override
  public void onLost(LeadershipTerm term, LossReason reason) {
    submit(term.identity() + " stopped leading (" + reason + ")");
  }

  private void submit(String message) {
    if (executor == null) {
      return;
    }
    try {
      executor.execute(() -> record(message));
    } catch (RejectedExecutionException e) {
      log.debug("Dropped Kubernetes event \"{}\": too many pending or shutting down", message);
    }
  }

  private void record(String message) {
    String namespace = config.namespace();
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
    CoreV1Event event = new CoreV1Event()
        .metadata(new V1ObjectMeta().generateName(config.leaseName() + ".").namespace(namespace))
        .involvedObject(leaseReference())
        .type("Normal")
        .reason("LeaderElection")
        .message(message)
        .source(new V1EventSource().component("leader-election"))
        .reportingInstance(config.identity())
        .firstTimestamp(now)
        .lastTimestamp(now)
        .count(1);
    try {
      execute(new CoreV1Api(apiClient).createNamespacedEvent(namespace, event).buildCall(null), CoreV1Event.class);
      log.debug("Recorded Kubernetes event on lease {}/{}: {}", namespace, config.leaseName(), message);
    } catch (ApiException e) {
      failed(message, e);
    }
  }

  /**
   * A reference to the Lease; with its uid when it can be read, since {@code kubectl describe}
   * selects events by the object's uid.
   */
  private V1ObjectReference leaseReference() {
    V1ObjectReference ref = new V1ObjectReference()
        .apiVersion("coordination.k8s.io/v1").kind("Lease")
        .name(config.leaseName()).namespace(config.namespace());
    try {
      V1Lease lease = execute(new CoordinationV1Api(apiClient)
          .readNamespacedLease(config.leaseName(), config.namespace()).buildCall(null), V1Lease.class);
      if (lease != null && lease.getMetadata() != null) {
        ref.uid(lease.getMetadata().getUid()).resourceVersion(lease.getMetadata().getResourceVersion());
      }
    } catch (ApiException e) {
      log.debug("Could not read lease {}/{} for its event: HTTP {}", config.namespace(), config.leaseName(), e.getCode());
    }
    return ref;
  }

  private <T> T execute(Call template, Class<T> type) throws ApiException {
    Call call = requestClient.newCall(template.request());
    return apiClient.<T>execute(call, type).getData();
  }

  private void failed(String message, ApiException e) {
    String why = e.getCode() == 0 ? String.valueOf(e.getCause() != null ? e.getCause() : e.getMessage())
        : "HTTP " + e.getCode() + (e.getCode() == 403 ? " (grant verb \"create\" on resource \"events\" in namespace \""
            + config.namespace() + "\" to this application's user)" : "");
    if (warned.compareAndSet(false, true)) {
      log.warn("Could not record Kubernetes event \"{}\" on lease {}/{}: {}. Leader election is not affected;"
          + " later failures are logged at DEBUG.", message, config.namespace(), config.leaseName(), why);
    } else {
      log.debug("Could not record Kubernetes event \"{}\": {}", message, why);
    }
  }

  /** Sends what is pending (the "stopped leading" of a shutdown), for a bounded time. */
  @Override
  public void destroy() throws InterruptedException {
    if (executor == null) {
      return;
    }
    executor.shutdown();
    // Two requests per event (read the lease, create the event), each bounded.
    if (!executor.awaitTermination(config.requestTimeout().toMillis() * 2 + 500, TimeUnit.MILLISECONDS)) {
      executor.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "Kubernetes event recorder";
  }
}
