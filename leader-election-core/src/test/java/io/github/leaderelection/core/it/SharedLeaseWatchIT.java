package io.github.leaderelection.core.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.KubernetesLeaseStore;
import io.github.leaderelection.core.LeaderElector;
import io.github.leaderelection.core.SharedLeaseWatch;
import io.github.leaderelection.testsupport.ApiServerHandle;
import io.github.leaderelection.testsupport.RealApiServer;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two "pods" with six elections each, every pod sharing one watch ({@link SharedLeaseWatch}),
 * on the real API server: one watch per pod, no reads by followers while the watch is healthy,
 * every lease led by exactly one pod, failover and a deleted Lease handled through the shared
 * stream.
 */
@RealApiServer
class SharedLeaseWatchIT {

  private static final int LEASES = 6;
  private static final Duration RP = Election.RP;

  private final List<Pod> pods = new ArrayList<>();

  /** One process: a shared watch and one elector per lease. */
  record Pod(String id, SharedLeaseWatch watch, List<LeaderElector> electors) {
    long leading() {
      return electors.stream().filter(LeaderElector::isLeader).count();
    }
  }

  @AfterEach
  void closeAll() {
    pods.forEach(p -> {
      p.electors().parallelStream().forEach(LeaderElector::close);
      p.watch().close();
    });
  }

  @Test
  void onePodOneWatchNoFollowerReadsAndEveryLeaseLedOnce(ApiServerHandle server) throws Exception {
    String prefix = server.uniqueName("shared");
    Pod a = start(server, prefix, "pod-a");
    Pod b = start(server, prefix, "pod-b");
    await().atMost(Duration.ofSeconds(20)).until(() -> everyLeaseLedOnce(a, b));

    // One watch thread per pod (namespace-wide), none per lease. The shared watch opens after
    // its list, on a thread of its own, so electors can lead before it is there: wait for it.
    await().atMost(Duration.ofSeconds(10)).until(() -> watchThreads(server.namespace()) == 2);
    assertThat(watchThreads(prefix)).as("per-lease watch threads").isZero();
    assertThat(a.watch().subscriptions()).isEqualTo(LEASES);
    assertThat(a.watch().fellBack()).isFalse();

    // Steady state over 5 retry periods: renewals only, no reads (the watch tells followers).
    Map<String, Long> before = server.metrics();
    long window = System.nanoTime();
    Thread.sleep(RP.multipliedBy(5).toMillis());
    Map<String, Long> after = server.metrics();
    double periods = (System.nanoTime() - window) / (double) RP.toNanos();
    long gets = after.getOrDefault("GET", 0L) - before.getOrDefault("GET", 0L);
    long puts = after.getOrDefault("PUT", 0L) - before.getOrDefault("PUT", 0L);
    System.out.printf("SharedLeaseWatchIT: 2 pods x %d leases, %.1f retry periods: %d GET, %d PUT (%.2f per held"
        + " lease per RP), %d watch threads%n", LEASES, periods, gets, puts, puts / (LEASES * periods),
        watchThreads(server.namespace()));
    assertThat(gets).as("GETs in steady state").isZero();
    assertThat(puts).as("PUTs: one per held lease per retry period").isBetween((long) (LEASES * (periods - 2)),
        (long) (LEASES * (periods + 2)));
    assertThat(everyLeaseLedOnce(a, b)).isTrue();

    // A Lease deleted under its leader: recreated through the shared stream (rule 11).
    String victim = prefix + "-0";
    new CoordinationV1Api(server.adminClient()).deleteNamespacedLease(victim, server.namespace()).execute();
    await().atMost(Duration.ofSeconds(10)).until(() -> new CoordinationV1Api(server.adminClient())
        .listNamespacedLease(server.namespace()).execute().getItems().stream()
        .anyMatch(l -> l.getMetadata().getName().equals(victim)));
    await().atMost(Duration.ofSeconds(20)).until(() -> everyLeaseLedOnce(a, b));

    // Pod a shuts down: b leads everything, each lease once.
    Pod leaving = a.leading() > 0 ? a : b;
    Pod staying = leaving == a ? b : a;
    leaving.electors().parallelStream().forEach(LeaderElector::close);
    leaving.watch().close();
    pods.remove(leaving);
    await().atMost(Duration.ofSeconds(20)).until(() -> staying.leading() == LEASES);
  }

  private Pod start(ApiServerHandle server, String prefix, String id) {
    ApiClient client = server.restrictedClient();
    ElectionConfig first = config(server, prefix + "-0", id);
    SharedLeaseWatch watch = new SharedLeaseWatch(new KubernetesLeaseStore(client, first), server.namespace(), RP);
    List<LeaderElector> electors = new ArrayList<>();
    for (int i = 0; i < LEASES; i++) {
      ElectionConfig config = config(server, prefix + "-" + i, id);
      LeaderElector elector = LeaderElector.builder(config,
          watch.share(new KubernetesLeaseStore(client, config), config.leaseName())).build();
      electors.add(elector);
      elector.start();
    }
    Pod pod = new Pod(id, watch, electors);
    pods.add(pod);
    return pod;
  }

  private static ElectionConfig config(ApiServerHandle server, String lease, String id) {
    return ElectionConfig.builder(lease).namespace(server.namespace()).identity(id)
        .leaseDuration(Election.LD).renewDeadline(Election.RD).retryPeriod(RP).build();
  }

  private static boolean everyLeaseLedOnce(Pod a, Pod b) {
    for (int i = 0; i < LEASES; i++) {
      int leaders = (a.electors().get(i).isLeader() ? 1 : 0) + (b.electors().get(i).isLeader() ? 1 : 0);
      if (leaders != 1) {
        return false;
      }
    }
    return true;
  }

  private static long watchThreads(String suffix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("leader-election-watch-" + suffix) && t.isAlive()).count();
  }
}
