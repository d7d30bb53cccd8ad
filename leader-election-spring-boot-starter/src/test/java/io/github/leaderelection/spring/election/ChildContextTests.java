package io.github.leaderelection.spring.election;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.leaderelection.core.InMemoryLeaseStore;
import io.github.leaderelection.core.LeaseRecord;
import io.github.leaderelection.core.LeaseStore;
import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.spring.LeaderOnly;
import io.github.leaderelection.spring.LeadershipEvent;
import io.github.leaderelection.spring.OnLeaderChangedEvent;
import io.github.leaderelection.spring.OnLeaderElectedEvent;
import io.github.leaderelection.spring.OnLeaderLostEvent;
import io.github.leaderelection.spring.leaderonly.LeaderOnlyAutoConfiguration;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/**
 * The election runs in a parent context; listeners and {@code @LeaderOnly} beans live in a
 * child. Spring sends a child's events up to its parent, never down, so the starter delivers
 * its events to child contexts itself, and each child gets its own advisor.
 */
class ChildContextTests {

  private static final String[] PROPERTIES = {"spring.application.name=orders", "leader.election.namespace=test",
      "leader.election.mode=always-leader", "leader.election.identity=me", "spring.main.cloud-platform=none",
      "KUBECONFIG=", "KUBERNETES_SERVICE_HOST=", "spring.main.banner-mode=off"};

  @Test
  void aChildOfSpringApplicationBuilderGetsTheEventsAndGatesItsLeaderOnlyBeans() {
    SpringApplicationBuilder parentBuilder = new SpringApplicationBuilder(ParentConfig.class)
        .web(WebApplicationType.NONE).properties(PROPERTIES);
    try (ConfigurableApplicationContext child = parentBuilder.child(ChildConfig.class)
        .web(WebApplicationType.NONE).run()) {
      ConfigurableApplicationContext parent = (ConfigurableApplicationContext) child.getParent();
      assertThat(child.getBeanNamesForType(LeaderElectionLifecycle.class, true, false)).isEmpty(); // the parent's
      assertChildIsServed(parent, child);
    }
  }

  @Test
  void aPlainChildWithSetParentGetsTheEventsAndGatesItsLeaderOnlyBeansWhenItImportsLeaderOnly() {
    try (ConfigurableApplicationContext parent = new SpringApplicationBuilder(ParentConfig.class)
        .web(WebApplicationType.NONE).properties(PROPERTIES).run();
        AnnotationConfigApplicationContext child = new AnnotationConfigApplicationContext()) {
      child.setParent(parent);
      child.register(PlainChildConfig.class);
      child.refresh();
      assertChildIsServed(parent, child);
    }
  }

  @Test
  void aClosedChildGetsNoMoreEvents() {
    try (ConfigurableApplicationContext parent = new SpringApplicationBuilder(ParentConfig.class)
        .web(WebApplicationType.NONE).properties(PROPERTIES).run()) {
      AnnotationConfigApplicationContext child = new AnnotationConfigApplicationContext();
      child.setParent(parent);
      child.register(PlainChildConfig.class);
      child.refresh();
      Recording recording = child.getBean(Recording.class);
      child.close();
      assertThat(parent.getBean(LeaderElection.class).stepDown().join()).isTrue();
      ParentRecording inParent = parent.getBean(ParentRecording.class);
      await().atMost(Duration.ofSeconds(5))
          .until(() -> inParent.events.stream().anyMatch(OnLeaderLostEvent.class::isInstance));
      assertThat(recording.events).isEmpty();
    }
  }

  private static void assertChildIsServed(ConfigurableApplicationContext parent, ConfigurableApplicationContext child) {
    LeaderElection election = parent.getBean(LeaderElection.class);
    assertThat(election.isLeader()).isTrue();
    Job job = child.getBean(Job.class);
    assertThat(AopUtils.isAopProxy(job)).as("the child's @LeaderOnly bean is proxied").isTrue();
    job.run();
    assertThat(job.runs()).hasValue(1);

    // Another client takes the lease: lost and changed reach the child's listeners.
    InMemoryLeaseStore store = (InMemoryLeaseStore) parent.getBean(LeaseStore.class);
    store.forceWrite(new LeaseRecord("other", 15, Instant.now(), Instant.now(), 1));
    Recording recording = child.getBean(Recording.class);
    await().atMost(Duration.ofSeconds(5)).until(() -> recording.events.stream()
        .anyMatch(e -> e instanceof OnLeaderChangedEvent c && c.getLeaderIdentity().equals("other")));
    await().atMost(Duration.ofSeconds(5))
        .until(() -> recording.events.stream().anyMatch(OnLeaderLostEvent.class::isInstance));
    assertThat(recording.events).noneMatch(OnLeaderElectedEvent.class::isInstance); // before the child existed

    assertThat(election.isLeader()).isFalse();
    job.run();
    assertThat(job.runs()).as("skipped: this instance no longer leads").hasValue(1);

    // Once each, not also through the parent (the parent's own listener saw them once too).
    assertThat(recording.events.stream().filter(OnLeaderLostEvent.class::isInstance)).hasSize(1);
    ParentRecording inParent = parent.getBean(ParentRecording.class);
    assertThat(inParent.events.stream().filter(OnLeaderLostEvent.class::isInstance)).hasSize(1);
  }

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration({LeaderElectionAutoConfiguration.class, LeaderOnlyAutoConfiguration.class})
  static class ParentConfig {
    @Bean
    ParentRecording parentRecording() {
      return new ParentRecording();
    }
  }

  /** What Boot's auto-configuration gives a child built with SpringApplicationBuilder. */
  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration({LeaderElectionAutoConfiguration.class, LeaderOnlyAutoConfiguration.class})
  static class ChildConfig {
    @Bean
    Recording recording() {
      return new Recording();
    }

    @Bean
    Job job() {
      return new Job();
    }
  }

  /** A child without Boot's auto-configuration: it imports the @LeaderOnly support only. */
  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration(LeaderOnlyAutoConfiguration.class)
  static class PlainChildConfig {
    @Bean
    Recording recording() {
      return new Recording();
    }

    @Bean
    Job job() {
      return new Job();
    }
  }

  static class Recording {
    final List<ApplicationEvent> events = new CopyOnWriteArrayList<>();

    @EventListener({LeadershipEvent.class, OnLeaderChangedEvent.class})
    public void on(ApplicationEvent event) {
      events.add(event);
    }
  }

  static class ParentRecording extends Recording {}

  static class Job {
    private final AtomicInteger runs = new AtomicInteger();

    @LeaderOnly
    public void run() {
      runs.incrementAndGet();
    }

    public AtomicInteger runs() {
      return runs;
    }
  }
}
