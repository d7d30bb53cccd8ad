package io.github.leaderelection.chaos;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.function.UnaryOperator;

/**
 * The admin's hostile-but-valid writes to the Lease. Every write is conditional on the
 * resourceVersion just read (a real hand edit), retried on conflict; each returns the monotonic
 * send and acknowledgement times and the holder it replaced.
 */
final class LeaseEditor {

  private static final int ATTEMPTS = 10;

  private final CoordinationV1Api api;
  private final String namespace;
  private final String lease;

  LeaseEditor(ApiClient admin, String namespace, String lease) {
    this.api = new CoordinationV1Api(admin);
    this.namespace = namespace;
    this.lease = lease;
  }

  /** Replaces the spec with one whose every field is null. */
  Fault.LeaseEdit nullSpec() {
    return replaceQuietly("null spec fields", spec -> new V1LeaseSpec());
  }

  /** Sets holderIdentity "" and keeps the rest, or also leaseDurationSeconds 1 (client-go's release). */
  Fault.LeaseEdit emptyHolder(boolean clientGoRelease) {
    return replaceQuietly(clientGoRelease ? "holder \"\", duration 1" : "holder \"\"", spec -> {
      V1LeaseSpec s = spec == null ? new V1LeaseSpec() : spec;
      s.holderIdentity("");
      if (clientGoRelease) {
        s.leaseDurationSeconds(1);
      }
      return s;
    });
  }

  /** A foreign holder with {@code durationSeconds}, times set to now, transitions + 1. */
  Fault.LeaseEdit foreignHolder(String holder, int durationSeconds) {
    return replaceQuietly("holder " + holder + ", duration " + durationSeconds, spec -> {
      V1LeaseSpec s = spec == null ? new V1LeaseSpec() : spec;
      Integer t = s.getLeaseTransitions();
      OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
      return s.holderIdentity(holder).leaseDurationSeconds(durationSeconds)
          .acquireTime(now).renewTime(now).leaseTransitions(t == null ? 1 : t + 1);
    });
  }

  /** Deletes the lease (absent already: nothing to do). */
  Fault.LeaseEdit delete() {
    String before = "?";
    for (int attempt = 1; ; attempt++) {
      long sent = System.nanoTime();
      try {
        before = holder(read());
        api.deleteNamespacedLease(lease, namespace).execute();
        return new Fault.LeaseEdit("delete", sent, System.nanoTime(), before);
      } catch (ApiException e) {
        if (e.getCode() == 404) {
          return new Fault.LeaseEdit("delete (was absent)", sent, System.nanoTime(), before);
        }
        if (attempt >= ATTEMPTS) {
          throw new IllegalStateException("could not delete lease " + lease + ": HTTP " + e.getCode(), e);
        }
        pause();
      }
    }
  }

  private Fault.LeaseEdit replaceQuietly(String what, UnaryOperator<V1LeaseSpec> change) {
    try {
      return replace(what, change);
    } catch (ApiException e) {
      throw new IllegalStateException("lease edit '" + what + "' failed: HTTP " + e.getCode() + " "
          + e.getResponseBody(), e);
    }
  }

  /** Read, change the spec, replace with the resourceVersion read; create when absent. */
  private Fault.LeaseEdit replace(String what, UnaryOperator<V1LeaseSpec> change) throws ApiException {
    for (int attempt = 1; ; attempt++) {
      long sent = System.nanoTime();
      String before = "?";
      try {
        V1Lease current = read();
        if (current == null) {
          V1Lease fresh = new V1Lease().metadata(new V1ObjectMeta().name(lease).namespace(namespace))
              .spec(change.apply(new V1LeaseSpec()));
          sent = System.nanoTime();
          api.createNamespacedLease(namespace, fresh).execute();
          return new Fault.LeaseEdit(what + " (created)", sent, System.nanoTime(), "absent");
        }
        before = holder(current);
        current.spec(change.apply(current.getSpec()));
        sent = System.nanoTime();
        api.replaceNamespacedLease(lease, namespace, current).execute();
        return new Fault.LeaseEdit(what, sent, System.nanoTime(), before);
      } catch (ApiException e) {
        if ((e.getCode() != 409 && e.getCode() != 404 && e.getCode() < 500 && e.getCode() != 0)
            || attempt >= ATTEMPTS) {
          throw e;
        }
        pause();
      }
    }
  }

  private V1Lease read() throws ApiException {
    try {
      return api.readNamespacedLease(lease, namespace).execute();
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        return null;
      }
      throw e;
    }
  }

  /** The current holder, for the fault log ("absent", "null", or the name). */
  String currentHolder() {
    try {
      return holder(read());
    } catch (ApiException e) {
      return "? (HTTP " + e.getCode() + ")";
    }
  }

  private static String holder(V1Lease l) {
    if (l == null) {
      return "absent";
    }
    if (l.getSpec() == null || l.getSpec().getHolderIdentity() == null) {
      return "null";
    }
    return l.getSpec().getHolderIdentity().isEmpty() ? "\"\"" : l.getSpec().getHolderIdentity();
  }

  private static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
