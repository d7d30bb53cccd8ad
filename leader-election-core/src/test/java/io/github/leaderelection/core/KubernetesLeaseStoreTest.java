package io.github.leaderelection.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/** The parts of {@link KubernetesLeaseStore} that need no API server; the rest is in the ITs. */
class KubernetesLeaseStoreTest {

  @Test
  void rule4_eachRequestEndsAtItsTimeoutEvenWhenTheServerNeverAnswers() throws Exception {
    List<Socket> accepted = new ArrayList<>();
    try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            accepted.add(blackHole.accept()); // read nothing, answer nothing
          }
        } catch (Exception closed) {
          // the test is over
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      ApiClient client = new ApiClient().setBasePath("http://127.0.0.1:" + blackHole.getLocalPort());
      KubernetesLeaseStore store = new KubernetesLeaseStore(client, "default", "jobs", Duration.ofMillis(700));
      long start = System.nanoTime();
      assertThatThrownBy(store::get)
          .isInstanceOfSatisfying(LeaseStoreException.class, e -> assertThat(e.status()).isZero())
          .hasMessageStartingWith("get lease default/jobs failed");
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      // Generous bound: the point is that it ends near 0.7 s, not at OkHttp's 10 s read timeout.
      assertThat(took).isBetween(Duration.ofMillis(600), Duration.ofSeconds(5));
      // The caller's client is left as it was.
      assertThat(client.getHttpClient().callTimeoutMillis()).isZero();
    } finally {
      for (Socket s : accepted) {
        s.close();
      }
    }
  }

  @Test
  void rule16_leaseWithoutSpecOrMetadataFieldsIsReadAsFree() {
    VersionedLease empty = KubernetesLeaseStore.toVersioned(new V1Lease());
    assertThat(empty.record()).isEqualTo(LeaseRecord.EMPTY);
    assertThat(empty.record().isHeld()).isFalse();
    assertThat(empty.resourceVersion()).isEmpty();

    VersionedLease partial = KubernetesLeaseStore.toVersioned(new V1Lease()
        .metadata(new V1ObjectMeta().resourceVersion("12"))
        .spec(new V1LeaseSpec().holderIdentity("x")));
    assertThat(partial.record().holder()).isEqualTo("x");
    assertThat(partial.record().durationSeconds()).isZero();
    assertThat(partial.record().transitions()).isZero();
    assertThat(partial.record().renewTime()).isNull();
  }

  @Test
  void rule18_timesAreSerialisedAsUtcWithSixFractionalDigitsWhateverTheDefaultZone() {
    TimeZone previous = TimeZone.getDefault();
    try {
      TimeZone.setDefault(TimeZone.getTimeZone("Asia/Kolkata"));
      JSON json = new JSON();
      Instant t = Instant.parse("2026-11-21T10:15:30.123456789Z");
      assertThat(json.serialize(KubernetesLeaseStore.utc(t))).isEqualTo("\"2026-11-21T10:15:30.123456Z\"");
      Instant whole = Instant.parse("2026-11-21T10:15:30Z");
      assertThat(json.serialize(KubernetesLeaseStore.utc(whole))).isEqualTo("\"2026-11-21T10:15:30.000000Z\"");
    } finally {
      TimeZone.setDefault(previous);
    }
  }

  /** Finding 8: close() ends a watch whose creation still waits for response headers. */
  @Test
  void closeEndsAWatchStillWaitingForHeaders() throws Exception {
    List<Socket> accepted = new ArrayList<>();
    try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            accepted.add(blackHole.accept());
          }
        } catch (Exception closed) {
          // the test is over
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      ApiClient client = new ApiClient().setBasePath("http://127.0.0.1:" + blackHole.getLocalPort());
      KubernetesLeaseStore store = new KubernetesLeaseStore(client, "default", "hung-watch", Duration.ofSeconds(30));
      java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
      LeaseWatch watch = store.watch(null, new LeaseWatchListener() {
        @Override
        public void onUpsert(VersionedLease lease) {}

        @Override
        public void onDeleted(String resourceVersion) {}

        @Override
        public void onClosed(Throwable cause, boolean expired) {
          closed.countDown();
        }
      });
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !accepted.isEmpty());
      watch.close();
      assertThat(closed.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet()
          .stream().noneMatch(t -> t.isAlive() && t.getName().equals("leader-election-watch-hung-watch")));
    } finally {
      for (Socket s : accepted) {
        s.close();
      }
    }
  }

  /** Finding 14: the store's connections do not wait out Nagle's algorithm. */
  @Test
  void connectionsUseTcpNoDelay() throws Exception {
    KubernetesLeaseStore store = new KubernetesLeaseStore(new ApiClient(), "default", "jobs", Duration.ofSeconds(1));
    try (Socket s = store.socketFactory().createSocket()) {
      assertThat(s.getTcpNoDelay()).isTrue();
    }
  }

  /** Rule 25: a Lease carrying fields this client's models do not define is read, and they survive a write. */
  @Test
  void unknownFieldsAreReadAndKeptOnWrite() {
    com.google.gson.JsonObject json = com.google.gson.JsonParser.parseString("""
        {"apiVersion":"coordination.k8s.io/v1","kind":"Lease",
         "metadata":{"name":"jobs","namespace":"default","resourceVersion":"7","futureMeta":1},
         "spec":{"holderIdentity":"a","leaseDurationSeconds":15,"leaseTransitions":3,
                 "renewTime":"2026-11-21T10:15:30.123456Z","futureField":{"x":true}},
         "futureTopLevel":"kept"}""").getAsJsonObject();
    VersionedLease lease = LeaseJson.toVersioned(json);
    assertThat(lease.record().holder()).isEqualTo("a");
    assertThat(lease.record().transitions()).isEqualTo(3);
    assertThat(lease.record().renewTime()).isEqualTo(Instant.parse("2026-11-21T10:15:30.123456Z"));
    assertThat(lease.resourceVersion()).isEqualTo("7");
    com.google.gson.JsonObject written = LeaseJson.forUpdate(json, "7", "default", "jobs",
        new LeaseRecord("b", 15, Instant.parse("2026-11-21T10:15:31Z"), Instant.parse("2026-11-21T10:15:31Z"), 4));
    assertThat(written.getAsJsonObject("spec").get("futureField").toString()).isEqualTo("{\"x\":true}");
    assertThat(written.get("futureTopLevel").getAsString()).isEqualTo("kept");
    assertThat(written.getAsJsonObject("spec").get("renewTime").getAsString()).isEqualTo("2026-11-21T10:15:31.000000Z");
    assertThat(json.getAsJsonObject("spec").get("holderIdentity").getAsString()).isEqualTo("a"); // read copy untouched
  }

  /** A hand-edited field of the wrong type reads as missing instead of failing the read (rule 16). */
  @Test
  void wrongTypesReadAsMissing() {
    VersionedLease lease = LeaseJson.toVersioned(com.google.gson.JsonParser.parseString(
        "{\"spec\":{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":\"fifteen\",\"renewTime\":\"yesterday\"}}")
        .getAsJsonObject());
    assertThat(lease.record().holder()).isEqualTo("a");
    assertThat(lease.record().durationSeconds()).isZero();
    assertThat(lease.record().renewTime()).isNull();
  }
}
