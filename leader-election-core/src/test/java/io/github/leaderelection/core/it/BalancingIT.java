package io.github.leaderelection.core.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.KubernetesLeaseStore;
import io.github.leaderelection.core.LeaderElector;
import io.github.leaderelection.core.SharedLeaseWatch;
import io.github.leaderelection.core.Ticker;
import io.github.leaderelection.core.balance.BalancedElection;
import io.github.leaderelection.core.balance.LeadershipBalancer;
import io.github.leaderelection.core.balance.LeaseMembership;
import io.github.leaderelection.testsupport.ApiServerHandle;
import io.github.leaderelection.testsupport.RealApiServer;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.models.V1Lease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Balancing on the real API server: three "pods" with six elections each, each pod with a
 * shared watch, a member Lease and a balancer. They settle at two leases each; a pod that leaves
 * hands its two to the others and nobody else's moves; back again, it gets two with exactly two
 * moves. A sampler checks every 10 ms that no lease has two acting leaders.
 */
@RealApiServer
class BalancingIT {

  private static final int LEASES = 6;
  private static final Duration LD = Election.LD;
  private static final Duration RP = Election.RP;

  private final List<Pod> pods = new ArrayList<>();
  private final AtomicBoolean sampling = new AtomicBoolean(true);
  private final Set<String> overlaps = ConcurrentHashMap.newKeySet();

  /** One process: a shared watch, its membership, one elector per lease, the balancer. */
  record Pod(String id, SharedLeaseWatch watch, LeaseMembership membership, List<LeaderElector> electors,
      LeadershipBalancer balancer) {
    long leading() {
      return electors.stream().filter(LeaderElector::isLeader).count();
    }

    void close() {
      // Leave the group first: the others then know whom the released leases go to.
      balancer.close();
      membership.close();
      electors.parallelStream().forEach(LeaderElector::close);
      watch.close();
    }
  }

  @AfterEach
  void closeAll() {
    sampling.set(false);
    pods.forEach(Pod::close);
  }

  @Test
  void threePodsSixLeasesSettleAtTwoEachAndMoveOnlyWhatIsNeeded(ApiServerHandle server) throws Exception {
    String prefix = server.uniqueName("bal");
    ApiClient restricted = server.restrictedClient();
    Pod a = start(server, restricted, prefix, "pod-a");
    Pod b = start(server, restricted, prefix, "pod-b");
    Pod c = start(server, server.adminClient(), prefix, "pod-c"); // may delete its member Lease
    startSampler();

    await().atMost(Duration.ofSeconds(60)).until(() -> a.leading() == 2 && b.leading() == 2 && c.leading() == 2);
    assertThat(memberLeases(server, prefix)).hasSize(3);
    assertThat(a.membership().live()).containsExactly("pod-a", "pod-b", "pod-c");

    // c leaves gracefully: its member Lease is released and deleted, its two leases move, the others' stay.
    Map<String, String> before = holders(a);
    c.close();
    pods.remove(c);
    long left = System.nanoTime();
    await().atMost(Duration.ofSeconds(30)).until(() -> a.leading() == 3 && b.leading() == 3);
    System.out.printf("BalancingIT: the two leases of a leaving pod moved in %d ms%n",
        (System.nanoTime() - left) / 1_000_000);
    Map<String, String> after = holders(a);
    before.forEach((lease, holder) -> {
      if (!holder.equals("pod-c")) {
        assertThat(after.get(lease)).as("%s stays with %s", lease, holder).isEqualTo(holder);
      }
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> memberLeases(server, prefix).size() == 2);

    // c is back: it gets two leases, with two moves (one from each of a and b).
    Pod c2 = start(server, restricted, prefix, "pod-c");
    long joined = System.nanoTime();
    await().atMost(Duration.ofSeconds(60)).until(() -> a.leading() == 2 && b.leading() == 2 && c2.leading() == 2);
    System.out.printf("BalancingIT: a returning pod got its share in %d ms%n", (System.nanoTime() - joined) / 1_000_000);
    Map<String, String> rebalanced = holders(a);
    long moved = after.keySet().stream().filter(l -> !after.get(l).equals(rebalanced.get(l))).count();
    assertThat(moved).as("leases that changed holder: %s -> %s", after, rebalanced).isEqualTo(2);

    // Balanced: nothing moves any more.
    Thread.sleep(LD.multipliedBy(3).toMillis());
    assertThat(holders(a)).isEqualTo(rebalanced);

    // c2 leaves without the right to delete: its member Lease stays, released, and nothing else is affected.
    c2.close();
    pods.remove(c2);
    await().atMost(Duration.ofSeconds(30)).until(() -> a.leading() == 3 && b.leading() == 3);
    V1Lease member = new CoordinationV1Api(server.adminClient())
        .readNamespacedLease(LeaseMembership.leaseName(prefix, "pod-c"), server.namespace()).execute();
    assertThat(member.getSpec().getHolderIdentity()).as("released").isNullOrEmpty();
    assertThat(overlaps).as("instants with two acting leaders of one lease").isEmpty();
  }

  private void startSampler() {
    Thread t = new Thread(() -> {
      while (sampling.get()) {
        for (int i = 0; i < LEASES; i++) {
          int acting = 0;
          for (Pod p : List.copyOf(pods)) {
            acting += p.electors().get(i).isLeader() ? 1 : 0;
          }
          if (acting > 1) {
            overlaps.add("lease " + i + " at " + System.nanoTime());
          }
        }
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "balancing-sampler");
    t.setDaemon(true);
    t.start();
  }

  private Pod start(ApiServerHandle server, ApiClient client, String prefix, String id) {
    ElectionConfig first = config(server, prefix + "-0", id);
    SharedLeaseWatch watch = new SharedLeaseWatch(new KubernetesLeaseStore(client, first), server.namespace(), RP);
    LeaseMembership membership = new LeaseMembership(prefix, first, watch,
        name -> new KubernetesLeaseStore(client, server.namespace(), name, first.requestTimeout()), Ticker.SYSTEM);
    List<LeaderElector> electors = new ArrayList<>();
    List<BalancedElection> balanced = new ArrayList<>();
    for (int i = 0; i < LEASES; i++) {
      ElectionConfig config = config(server, prefix + "-" + i, id);
      LeaderElector elector = LeaderElector.builder(config,
          watch.share(new KubernetesLeaseStore(client, config), config.leaseName())).build();
      electors.add(elector);
      balanced.add(BalancedElection.of(elector));
    }
    LeadershipBalancer balancer = new LeadershipBalancer(id, membership, balanced, RP, LD, Ticker.SYSTEM);
    membership.start();
    balancer.start(RP.dividedBy(4));
    electors.forEach(LeaderElector::start);
    Pod pod = new Pod(id, watch, membership, electors, balancer);
    pods.add(pod);
    return pod;
  }

  private static ElectionConfig config(ApiServerHandle server, String lease, String id) {
    return ElectionConfig.builder(lease).namespace(server.namespace()).identity(id)
        .leaseDuration(LD).renewDeadline(Election.RD).retryPeriod(RP).build();
  }

  private static Map<String, String> holders(Pod any) {
    Map<String, String> holders = new TreeMap<>();
    any.electors().forEach(e -> holders.put(e.config().leaseName(), e.isLeader() ? e.identity()
        : e.currentHolder().orElse("")));
    return holders;
  }

  private static List<String> memberLeases(ApiServerHandle server, String prefix) throws Exception {
    return new CoordinationV1Api(server.adminClient()).listNamespacedLease(server.namespace()).execute().getItems()
        .stream().map(l -> l.getMetadata().getName()).filter(n -> n.startsWith(prefix + "-member-")).toList();
  }
}
