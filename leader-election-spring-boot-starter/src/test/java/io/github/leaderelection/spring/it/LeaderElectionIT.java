package io.github.leaderelection.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.spring.LeaderOnly;
import io.github.leaderelection.spring.LeadershipEvent;
import io.github.leaderelection.spring.OnLeaderElectedEvent;
import io.github.leaderelection.spring.OnLeaderLostEvent;
import io.github.leaderelection.testsupport.ApiServerHandle;
import io.github.leaderelection.testsupport.RealApiServer;
import io.kubernetes.client.openapi.ApiClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Three application contexts in one JVM compete for one Lease on a real API server, each
 * with its own client (restricted to Leases, as an application's service account would be)
 * and short timings: 4s lease, 3s renew deadline, 1s retry period.
 */
@RealApiServer
class LeaderElectionIT {

  private static final Duration LEASE_DURATION = Duration.ofSeconds(4);

  final Recorder recorder = new Recorder();
  private final Map<String, ConfigurableApplicationContext> contexts = new ConcurrentHashMap<>();

  @AfterEach
  void closeAll() {
    contexts.values().forEach(ConfigurableApplicationContext::close);
  }

  @Test
  void oneLeaderRunsTheWorkAndClosingItHandsOverAtOnce(ApiServerHandle server) {
    String lease = server.uniqueName("spring-it");
    for (String id : List.of("it-a", "it-b", "it-c")) {
      start(server, lease, id);
    }

    String first = awaitOneLeader();
    assertSteadyLeader(first, Duration.ofSeconds(3));

    long closeStart = System.nanoTime();
    contexts.remove(first).close();
    String second = awaitOneLeader();
    Duration handover = Duration.ofNanos(System.nanoTime() - closeStart);
    assertThat(second).isNotEqualTo(first);
    // Released on shutdown: taken over on the watch event, not after the lease duration.
    assertThat(handover).isLessThan(LEASE_DURATION.dividedBy(2));
    assertSteadyLeader(second, Duration.ofSeconds(2));

    contexts.values().forEach(ConfigurableApplicationContext::close);
    contexts.clear();

    assertEventsAlternatePerContext();
    assertThat(recorder.eventsOf(first)).last().isEqualTo("lost SHUTDOWN");
    assertThat(recorder.eventsOf(second)).containsExactly("elected", "lost SHUTDOWN");
    assertFencingTokensGrow();
    assertNoOverlappingRuns();
    assertThat(recorder.runs).extracting(Run::identity).containsOnly(first, second);
  }

  @Test
  void stepDownHandsOverAndTheFormerLeaderRunsNothing(ApiServerHandle server) throws Exception {
    String lease = server.uniqueName("spring-it");
    for (String id : List.of("it-a", "it-b")) {
      start(server, lease, id);
    }
    String first = awaitOneLeader();

    long stepDownStart = System.nanoTime();
    assertThat(election(first).stepDown().get()).isTrue();
    String second = awaitOneLeader();
    assertThat(second).isNotEqualTo(first);
    assertThat(Duration.ofNanos(System.nanoTime() - stepDownStart)).isLessThan(LEASE_DURATION.dividedBy(2));
    int runsOfFirst = recorder.runsOf(first).size();
    assertSteadyLeader(second, Duration.ofSeconds(2)); // the cool-down (LD) keeps `first` out
    assertThat(recorder.runsOf(first)).hasSize(runsOfFirst);

    contexts.values().forEach(ConfigurableApplicationContext::close);
    contexts.clear();
    assertThat(recorder.eventsOf(first)).startsWith("elected", "lost RELEASED");
    assertEventsAlternatePerContext();
    assertNoOverlappingRuns();
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
            "spring.application.name=spring-it",
            "logging.level.root=WARN",
            "logging.level.io.github.leaderelection=INFO",
            "leader.election.mode=kubernetes",
            "leader.election.lease-name=" + lease,
            "leader.election.namespace=" + server.namespace(),
            "leader.election.identity=" + identity,
            "leader.election.lease-duration=" + LEASE_DURATION.toSeconds() + "s",
            "leader.election.renew-deadline=3s",
            "leader.election.retry-period=1s")
        .properties(extraProperties().toArray(String[]::new))
        .run();
    contexts.put(identity, context);
  }

  /** More application properties, for a subclass that runs these tests in another setup. */
  List<String> extraProperties() {
    return List.of();
  }

  private LeaderElection election(String identity) {
    return contexts.get(identity).getBean(LeaderElection.class);
  }

  private List<String> leaders() {
    return contexts.keySet().stream().filter(id -> election(id).isLeader()).sorted().toList();
  }

  private String awaitOneLeader() {
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
        .until(() -> leaders().size() == 1);
    return leaders().get(0);
  }

  /** For {@code period}: {@code leader} leads, nobody else does, and only it runs the job. */
  private void assertSteadyLeader(String leader, Duration period) {
    long end = System.nanoTime() + period.toNanos();
    int runsBefore = recorder.runsOf(leader).size();
    List<Run> othersBefore = recorder.runs.stream().filter(r -> !r.identity().equals(leader)).toList();
    while (System.nanoTime() < end) {
      assertThat(leaders()).containsExactly(leader);
      sleep(50);
    }
    assertThat(recorder.runsOf(leader).size()).isGreaterThan(runsBefore);
    assertThat(recorder.runs.stream().filter(r -> !r.identity().equals(leader)).toList())
        .as("runs on instances other than the leader").isEqualTo(othersBefore);
  }

  // --- checks -------------------------------------------------------------------------------------

  /** Rule 13: per instance, elected and lost alternate, starting with elected, ending with lost. */
  private void assertEventsAlternatePerContext() {
    recorder.events.keySet().forEach(id -> {
      List<String> events = recorder.eventsOf(id);
      for (int i = 0; i < events.size(); i++) {
        assertThat(events.get(i)).as("event %d of %s: %s", i, id, events)
            .startsWith(i % 2 == 0 ? "elected" : "lost");
      }
      assertThat(events.size() % 2).as("%s ends with lost: %s", id, events).isZero();
    });
  }

  private void assertFencingTokensGrow() {
    List<Long> tokens = recorder.elections.stream()
        .sorted(Comparator.comparingLong(e -> e.getTimestamp()))
        .map(LeadershipEvent::getFencingToken)
        .toList();
    assertThat(tokens).isSortedAccordingTo(Comparator.naturalOrder()).doesNotHaveDuplicates();
  }

  /** No two @LeaderOnly executions on different instances overlap in time (one JVM, one clock). */
  private void assertNoOverlappingRuns() {
    List<Run> runs = new ArrayList<>(recorder.runs);
    runs.sort(Comparator.comparingLong(Run::start));
    for (int i = 0; i < runs.size(); i++) {
      for (int j = i + 1; j < runs.size() && runs.get(j).start() <= runs.get(i).end(); j++) {
        assertThat(runs.get(j).identity()).as("overlapping runs %s and %s", runs.get(i), runs.get(j))
            .isEqualTo(runs.get(i).identity());
      }
    }
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

  record Run(String identity, long start, long end) {}

  /** Shared by the contexts of one test: what ran where, and each instance's events. */
  static class Recorder {
    final List<Run> runs = new CopyOnWriteArrayList<>();
    final Map<String, List<String>> events = new ConcurrentHashMap<>();
    final List<OnLeaderElectedEvent> elections = new CopyOnWriteArrayList<>();
    /** Thread.toString() of every event delivery and @LeaderOnly run, for the thread checks. */
    final List<String> threads = new CopyOnWriteArrayList<>();

    List<String> eventsOf(String identity) {
      return events.getOrDefault(identity, List.of());
    }

    List<Run> runsOf(String identity) {
      return runs.stream().filter(r -> r.identity().equals(identity)).collect(Collectors.toList());
    }
  }

  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @EnableScheduling
  @Import({Job.class, EventLog.class})
  static class App {}

  static class Job {
    private final Recorder recorder;
    private final String identity;

    Job(Recorder recorder, @Value("${leader.election.identity}") String identity) {
      this.recorder = recorder;
      this.identity = identity;
    }

    @Scheduled(fixedDelay = 20)
    @LeaderOnly
    public void run() {
      long start = System.nanoTime();
      sleep(30);
      recorder.threads.add(Thread.currentThread().toString());
      recorder.runs.add(new Run(identity, start, System.nanoTime()));
    }
  }

  static class EventLog {
    private final Recorder recorder;

    EventLog(Recorder recorder) {
      this.recorder = recorder;
    }

    @EventListener
    void elected(OnLeaderElectedEvent event) {
      recorder.elections.add(event);
      log(event.getIdentity(), "elected");
    }

    @EventListener
    void lost(OnLeaderLostEvent event) {
      log(event.getIdentity(), "lost " + event.getReason());
    }

    private void log(String identity, String event) {
      recorder.threads.add(Thread.currentThread().toString());
      recorder.events.computeIfAbsent(identity, id -> new CopyOnWriteArrayList<>()).add(event);
    }
  }
}
