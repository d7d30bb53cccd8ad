package io.github.leaderelection.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.leaderelection.spring.LeaderElections;
import io.github.leaderelection.testsupport.ApiServerHandle;
import io.github.leaderelection.testsupport.RealApiServer;
import io.github.leaderelection.testsupport.TcpProxy;
import io.kubernetes.client.openapi.ApiClient;
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
import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

/**
 * Balancing on a real API server: five application contexts, each with the default election and
 * eleven named ones, {@code leader.election.balance.enabled=true}. After settling each leads 2
 * or 3. One that shuts down hands over its leases and nobody else's move; started again, it
 * gets its share with the fewest moves; one cut off from the server loses its leases to the
 * others after they expire. A sampler checks every 10 ms that no election has two acting leaders.
 */
@RealApiServer
class BalancingIT {

  private static final int NAMED = 11;
  private static final List<String> ELECTIONS = elections();
  private static final List<String> IDS = List.of("b-a", "b-b", "b-c", "b-d", "b-e");

  private final Map<String, ConfigurableApplicationContext> contexts = new ConcurrentHashMap<>();
  /** Every context started and not closed, also one taken out of {@link #contexts}: the sampler's. */
  private final List<ConfigurableApplicationContext> sampled = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Set<String> overlaps = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean sampling = new AtomicBoolean(true);
  private final List<TcpProxy> proxies = new ArrayList<>();

  @AfterEach
  void closeAll() {
    sampling.set(false);
    contexts.values().parallelStream().forEach(ConfigurableApplicationContext::close);
    proxies.forEach(TcpProxy::close);
  }

  @Test
  void fiveInstancesTwelveElectionsLeaveAndComeBack(ApiServerHandle server) throws Exception {
    String lease = server.uniqueName("bal-it");
    for (String id : IDS) {
      start(server, server.restrictedClient(), lease, id);
    }
    startSampler();
    Map<String, String> settled = awaitBalanced(5);

    // b-c shuts down: what it led moves to the others, nothing else moves.
    String leaving = "b-c";
    long closedAt = System.nanoTime();
    contexts.remove(leaving).close();
    Map<String, String> afterLeave = awaitBalanced(4);
    System.out.printf("BalancingIT: a shut-down instance's %d leases were led again after %d ms%n",
        settled.values().stream().filter(leaving::equals).count(), (System.nanoTime() - closedAt) / 1_000_000);
    settled.forEach((election, holder) -> {
      if (!holder.equals(leaving)) {
        assertThat(afterLeave.get(election)).as("%s stays with %s", election, holder).isEqualTo(holder);
      }
    });

    // Back again: it gets its share, and only that many leases change holder.
    long joinedAt = System.nanoTime();
    start(server, server.restrictedClient(), lease, leaving);
    Map<String, String> afterJoin = awaitBalanced(5);
    long moved = ELECTIONS.stream().filter(e -> !afterJoin.get(e).equals(afterLeave.get(e))).count();
    System.out.printf("BalancingIT: a returning instance got its %d leases after %d ms%n",
        afterJoin.values().stream().filter(leaving::equals).count(), (System.nanoTime() - joinedAt) / 1_000_000);
    assertThat(moved).as("leases that changed holder: %s -> %s", afterLeave, afterJoin)
        .isEqualTo(afterJoin.values().stream().filter(leaving::equals).count());

    // Balanced: no flapping over three settle times.
    Thread.sleep(Duration.ofSeconds(12).toMillis());
    assertThat(holders()).isEqualTo(afterJoin);
    assertThat(overlaps).as("instants with two acting leaders of one election").isEmpty();
  }

  @Test
  void anInstanceCutOffFromTheServerLosesItsLeasesToTheOthers(ApiServerHandle server) throws Exception {
    String lease = server.uniqueName("bal-cut");
    TcpProxy proxy = server.newProxy();
    proxies.add(proxy);
    for (String id : IDS) {
      ApiClient client = id.equals("b-e") ? server.restrictedClientThrough(proxy) : server.restrictedClient();
      start(server, client, lease, id);
    }
    startSampler();
    Map<String, String> settled = awaitBalanced(5);
    long held = settled.values().stream().filter("b-e"::equals).count();

    long cutAt = System.nanoTime();
    proxy.cutOff(); // b-e can neither renew its leases nor its member Lease: they expire
    ConfigurableApplicationContext cut = contexts.remove("b-e");
    Map<String, String> after = awaitBalanced(4);
    System.out.printf("BalancingIT: a cut-off instance's %d leases were led again after %d ms%n", held,
        (System.nanoTime() - cutAt) / 1_000_000);
    settled.forEach((election, holder) -> {
      if (!holder.equals("b-e")) {
        assertThat(after.get(election)).as("%s stays with %s", election, holder).isEqualTo(holder);
      }
    });
    assertThat(cut.getBean(LeaderElections.class).names().stream()
        .filter(e -> cut.getBean(LeaderElections.class).get(e).isLeader())).as("the cut-off instance acts").isEmpty();
    cut.close();
    assertThat(overlaps).as("instants with two acting leaders of one election").isEmpty();
  }

  // --- steps --------------------------------------------------------------------------------------

  private void start(ApiServerHandle server, ApiClient client, String lease, String identity) {
    List<String> properties = new ArrayList<>(List.of(
        "spring.application.name=bal-it",
        "logging.level.root=WARN",
        "leader.election.mode=kubernetes",
        "leader.election.lease-name=" + lease,
        "leader.election.namespace=" + server.namespace(),
        "leader.election.identity=" + identity,
        "leader.election.lease-duration=4s",
        "leader.election.renew-deadline=3s",
        "leader.election.retry-period=1s",
        "leader.election.balance.enabled=true"));
    for (String e : ELECTIONS.subList(1, ELECTIONS.size())) {
      properties.add("leader.election.elections." + e + ".release-on-shutdown=true");
    }
    ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
        .web(WebApplicationType.NONE)
        .bannerMode(Banner.Mode.OFF)
        .logStartupInfo(false)
        .initializers(c -> ((GenericApplicationContext) c).registerBean(ApiClient.class, () -> client))
        .properties(properties.toArray(String[]::new))
        .run();
    contexts.put(identity, context);
    sampled.add(context);
  }

  /** Waits until every election has one leader and each of the {@code instances} leads 2 or 3; returns the holders. */
  private Map<String, String> awaitBalanced(int instances) {
    int base = ELECTIONS.size() / instances;
    int most = base + (ELECTIONS.size() % instances == 0 ? 0 : 1);
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(() -> {
      Map<String, String> h = holders();
      if (h.size() != ELECTIONS.size() || h.containsValue("")) {
        return false;
      }
      return contexts.keySet().stream().allMatch(id -> {
        long n = h.values().stream().filter(id::equals).count();
        return n >= base && n <= most;
      });
    });
    return holders();
  }

  /** Each election's acting leader among the running contexts, "" for none or for more than one. */
  private Map<String, String> holders() {
    Map<String, String> holders = new TreeMap<>();
    for (String e : ELECTIONS) {
      List<String> leaders = contexts.entrySet().stream()
          .filter(c -> c.getValue().getBean(LeaderElections.class).get(e).isLeader()).map(Map.Entry::getKey).toList();
      holders.put(e, leaders.size() == 1 ? leaders.get(0) : "");
    }
    return holders;
  }

  private void startSampler() {
    Thread t = new Thread(() -> {
      while (sampling.get()) {
        for (String e : ELECTIONS) {
          long acting = sampled.stream().filter(c -> acts(c, e)).count();
          if (acting > 1) {
            overlaps.add(e + " at " + System.nanoTime());
          }
        }
        try {
          Thread.sleep(10);
        } catch (InterruptedException ex) {
          return;
        }
      }
    }, "balancing-it-sampler");
    t.setDaemon(true);
    t.start();
  }

  private static boolean acts(ConfigurableApplicationContext c, String election) {
    try {
      return c.isActive() && c.getBean(LeaderElections.class).get(election).isLeader();
    } catch (RuntimeException closing) {
      return false;
    }
  }

  private static List<String> elections() {
    List<String> all = new ArrayList<>(List.of(LeaderElections.DEFAULT));
    for (int i = 1; i <= NAMED; i++) {
      all.add(String.format("e%02d", i));
    }
    return List.copyOf(all);
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}
}
