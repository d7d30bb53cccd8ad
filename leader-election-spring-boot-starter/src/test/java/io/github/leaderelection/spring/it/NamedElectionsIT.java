package io.github.leaderelection.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.leaderelection.spring.LeaderElections;
import io.github.leaderelection.spring.LeaderOnly;
import io.github.leaderelection.spring.OnLeaderElectedEvent;
import io.github.leaderelection.spring.OnLeaderLostEvent;
import io.github.leaderelection.testsupport.ApiServerHandle;
import io.github.leaderelection.testsupport.RealApiServer;
import io.kubernetes.client.openapi.ApiClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Three application contexts, each with the default election and three named ones
 * (billing, cache, consumer), on a real API server: each election has one leader, leader work
 * of one election never overlaps across instances, a component bound to an election runs on
 * exactly one instance and stops before the lost event, and moving one election (a step-down,
 * a shutdown) leaves the others where they are.
 */
@RealApiServer
class NamedElectionsIT {

  private static final List<String> ELECTIONS = List.of("default", "billing", "cache", "consumer");

  final Recorder recorder = new Recorder();
  private final Map<String, ConfigurableApplicationContext> contexts = new ConcurrentHashMap<>();

  @AfterEach
  void closeAll() {
    contexts.values().forEach(ConfigurableApplicationContext::close);
  }

  @Test
  void eachElectionHasOneLeaderAndMovesAlone(ApiServerHandle server) throws Exception {
    String lease = server.uniqueName("named-it");
    for (String id : List.of("n-a", "n-b", "n-c")) {
      start(server, lease, id);
    }
    Map<String, String> leaders = awaitOneLeaderEach();
    sampleOneComponentRunning(Duration.ofSeconds(2));
    // The four elections of an instance share one watch (leader.election.shared-watch).
    // (opened after the shared list, on a thread of its own: waited for, not sampled once)
    await().atMost(Duration.ofSeconds(10)).until(() -> watchThreads(server.namespace()) == 3);
    assertThat(watchThreads(lease)).as("watches of single leases").isZero();

    // A step-down of billing moves billing only.
    String billing = leaders.get("billing");
    assertThat(elections(billing).get("billing").stepDown().get()).isTrue();
    Map<String, String> afterStepDown = awaitOneLeaderEach();
    assertThat(afterStepDown.get("billing")).isNotEqualTo(billing);
    for (String e : List.of("default", "cache", "consumer")) {
      assertThat(afterStepDown.get(e)).as("leader of %s after billing stepped down", e).isEqualTo(leaders.get(e));
    }

    // Shutting down the consumer's leader moves what it led, at once (released), and nothing else.
    String consumer = afterStepDown.get("consumer");
    long closed = System.nanoTime();
    contexts.remove(consumer).close();
    Map<String, String> afterClose = awaitOneLeaderEach();
    assertThat(Duration.ofNanos(System.nanoTime() - closed)).isLessThan(Duration.ofSeconds(4 + 1));
    for (String e : ELECTIONS) {
      if (!afterStepDown.get(e).equals(consumer)) {
        assertThat(afterClose.get(e)).as("leader of %s after %s closed", e, consumer).isEqualTo(afterStepDown.get(e));
      }
    }
    sampleOneComponentRunning(Duration.ofSeconds(2));

    contexts.values().forEach(ConfigurableApplicationContext::close);
    contexts.clear();
    assertNoOverlappingRunsPerElection();
    assertComponentStoppedBeforeEachLostEvent();
    assertThat(recorder.runs).extracting(Run::election).containsAll(ELECTIONS);
  }

  // --- steps --------------------------------------------------------------------------------------

  private void start(ApiServerHandle server, String lease, String identity) {
    ApiClient client = server.restrictedClient();
    ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
        .web(WebApplicationType.NONE)
        .bannerMode(Banner.Mode.OFF)
        .logStartupInfo(false)
        .initializers(c -> {
          GenericApplicationContext generic = (GenericApplicationContext) c;
          generic.registerBean(ApiClient.class, () -> client);
          generic.registerBean(Recorder.class, () -> recorder);
        })
        .properties(
            "spring.application.name=named-it",
            "logging.level.root=WARN",
            "leader.election.mode=kubernetes",
            "leader.election.lease-name=" + lease,
            "leader.election.namespace=" + server.namespace(),
            "leader.election.identity=" + identity,
            "leader.election.lease-duration=4s",
            "leader.election.renew-deadline=3s",
            "leader.election.retry-period=1s",
            "leader.election.elections.billing.lease-duration=5s",
            "leader.election.elections.cache.retry-period=500ms",
            "leader.election.elections.consumer.components=consumerContainer")
        .run();
    contexts.put(identity, context);
  }

  private LeaderElections elections(String identity) {
    return contexts.get(identity).getBean(LeaderElections.class);
  }

  /** The leader of each election, once each has exactly one. */
  private Map<String, String> awaitOneLeaderEach() {
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> ELECTIONS.stream()
        .allMatch(e -> leadersOf(e).size() == 1));
    Map<String, String> leaders = new LinkedHashMap<>();
    ELECTIONS.forEach(e -> leaders.put(e, leadersOf(e).get(0)));
    return leaders;
  }

  private List<String> leadersOf(String election) {
    return contexts.keySet().stream().filter(id -> elections(id).get(election).isLeader()).sorted().toList();
  }

  /** For {@code period}, the bound component runs on exactly one instance: the consumer's leader. */
  private void sampleOneComponentRunning(Duration period) {
    long end = System.nanoTime() + period.toNanos();
    while (System.nanoTime() < end) {
      List<String> running = contexts.entrySet().stream()
          .filter(e -> e.getValue().getBean("consumerContainer", Container.class).isRunning())
          .map(Map.Entry::getKey).toList();
      assertThat(running).as("instances running the consumer component").hasSize(1);
      assertThat(running).containsExactlyElementsOf(leadersOf("consumer"));
      sleep(25);
    }
  }

  // --- checks -------------------------------------------------------------------------------------

  private void assertNoOverlappingRunsPerElection() {
    for (String election : ELECTIONS) {
      List<Run> runs = new ArrayList<>(recorder.runs.stream().filter(r -> r.election().equals(election)).toList());
      runs.sort(Comparator.comparingLong(Run::start));
      for (int i = 0; i < runs.size(); i++) {
        for (int j = i + 1; j < runs.size() && runs.get(j).start() <= runs.get(i).end(); j++) {
          assertThat(runs.get(j).identity()).as("overlapping runs of %s: %s and %s", election, runs.get(i),
              runs.get(j)).isEqualTo(runs.get(i).identity());
        }
      }
    }
  }

  /** Per instance: every "consumer lost" comes after the component stopped, every start after elected. */
  private void assertComponentStoppedBeforeEachLostEvent() {
    recorder.log.forEach((id, entries) -> {
      boolean running = false;
      for (String entry : entries) {
        switch (entry) {
          case "started" -> running = true;
          case "stopped" -> running = false;
          case "consumer lost" -> assertThat(running).as("%s: component still running at the lost event: %s", id,
              entries).isFalse();
          default -> { }
        }
      }
      assertThat(running).as("%s: component running after close: %s", id, entries).isFalse();
    });
  }

  private static long watchThreads(String suffix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("leader-election-watch-" + suffix)).count();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // --- the application ----------------------------------------------------------------------------

  record Run(String identity, String election, long start, long end) {}

  /** Shared by the contexts: what ran where and when, and each instance's component and event log. */
  static class Recorder {
    final List<Run> runs = new CopyOnWriteArrayList<>();
    final Map<String, List<String>> log = new ConcurrentHashMap<>();

    void log(String identity, String entry) {
      log.computeIfAbsent(identity, k -> new CopyOnWriteArrayList<>()).add(entry);
    }
  }

  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @EnableScheduling
  @Import(Jobs.class)
  static class App {
    @Bean
    Container consumerContainer(Recorder recorder, @Value("${leader.election.identity}") String identity) {
      return new Container(recorder, identity);
    }
  }

  /** A listener-container stand-in: auto-starts unless told not to. */
  static class Container implements SmartLifecycle {
    private final Recorder recorder;
    private final String identity;
    private volatile boolean running;
    private boolean autoStartup = true;

    Container(Recorder recorder, String identity) {
      this.recorder = recorder;
      this.identity = identity;
    }

    public void setAutoStartup(boolean autoStartup) {
      this.autoStartup = autoStartup;
    }

    @Override
    public boolean isAutoStartup() {
      return autoStartup;
    }

    @Override
    public void start() {
      running = true;
      recorder.log(identity, "started");
    }

    @Override
    public void stop() {
      recorder.log(identity, "stopped");
      running = false;
    }

    @Override
    public boolean isRunning() {
      return running;
    }
  }

  static class Jobs {
    private final Recorder recorder;
    private final String identity;

    Jobs(Recorder recorder, @Value("${leader.election.identity}") String identity) {
      this.recorder = recorder;
      this.identity = identity;
    }

    @Scheduled(fixedDelay = 20)
    @LeaderOnly
    public void defaultJob() {
      work("default");
    }

    @Scheduled(fixedDelay = 20)
    @LeaderOnly("billing")
    public void billingJob() {
      work("billing");
    }

    @Scheduled(fixedDelay = 20)
    @LeaderOnly("cache")
    public void cacheJob() {
      work("cache");
    }

    @Scheduled(fixedDelay = 20)
    @LeaderOnly("consumer")
    public void consumerJob() {
      work("consumer");
    }

    private void work(String election) {
      long start = System.nanoTime();
      sleep(15);
      recorder.runs.add(new Run(identity, election, start, System.nanoTime()));
    }

    @EventListener
    public void elected(OnLeaderElectedEvent e) {
      recorder.log(identity, e.getElection() + " elected");
    }

    @EventListener
    public void lost(OnLeaderLostEvent e) {
      recorder.log(identity, e.getElection() + " lost");
    }
  }
}
