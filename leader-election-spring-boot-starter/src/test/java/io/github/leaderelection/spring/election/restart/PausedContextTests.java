package io.github.leaderelection.spring.election.restart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.leaderelection.core.LossReason;
import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.spring.LeaderOnly;
import io.github.leaderelection.spring.OnLeaderElectedEvent;
import io.github.leaderelection.spring.OnLeaderLostEvent;
import io.github.leaderelection.spring.actuate.LeaderElectionHealthIndicator;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.test.context.NestedTestConfiguration;

/**
 * Spring Framework 7 pauses a cached test context when another one is used and restarts it
 * when it is used again. Three {@code @SpringBootTest} classes, in this order, in one JVM:
 * A loads context X, B loads context Y (other properties: X is paused), C uses X again (X is
 * restarted). C must find the election working: leader again in always-leader mode, with a new
 * term. Nested only to fix the order of the three classes without a global JUnit setting.
 */
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
class PausedContextTests {

  /** The fencing token context X's election had in class A. */
  static final AtomicLong tokenInA = new AtomicLong(-1);


  @Nested
  @Order(1)
  @NestedTestConfiguration(NestedTestConfiguration.EnclosingConfiguration.OVERRIDE)
  @SpringBootTest(classes = App.class, webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
      "spring.application.name=paused-x", "leader.election.mode=always-leader",
      "leader.election.namespace=test", "spring.main.cloud-platform=none", "KUBECONFIG=", "KUBERNETES_SERVICE_HOST="})
  class A_ContextX {
    @Autowired LeaderElection election;
    @Autowired Work work;

    @Test
    void leads() {
      assertThat(election.isLeader()).isTrue();
      assertThat(work.run()).isTrue();
      tokenInA.set(election.fencingToken().orElseThrow());
    }
  }

  @Nested
  @Order(2)
  @NestedTestConfiguration(NestedTestConfiguration.EnclosingConfiguration.OVERRIDE)
  @SpringBootTest(classes = App.class, webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
      "spring.application.name=paused-y", "leader.election.mode=always-leader",
      "leader.election.namespace=test", "spring.main.cloud-platform=none", "KUBECONFIG=", "KUBERNETES_SERVICE_HOST="})
  class B_ContextY {
    @Autowired LeaderElection election;

    @Test
    void leadsItsOwnLease() {
      assertThat(election.isLeader()).isTrue();
      assertThat(election.status().leaseName()).isEqualTo("paused-y");
    }
  }

  @Nested
  @Order(3)
  @NestedTestConfiguration(NestedTestConfiguration.EnclosingConfiguration.OVERRIDE)
  @SpringBootTest(classes = App.class, webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
      "spring.application.name=paused-x", "leader.election.mode=always-leader",
      "leader.election.namespace=test", "spring.main.cloud-platform=none", "KUBECONFIG=", "KUBERNETES_SERVICE_HOST="})
  class C_ContextXAgain {
    @Autowired LeaderElection election;
    @Autowired Work work;
    @Autowired Events events;
    @Autowired LeaderElectionHealthIndicator health;
    @Autowired MeterRegistry registry;

    @Test
    void leadsAgainAsANewTermAfterThePause() throws Exception {
      assertThat(tokenInA.get()).as("class A ran first, on the same context").isPositive();
      assertThat(election.awaitLeadership(Duration.ofSeconds(5))).isTrue();
      assertThat(election.status().leaseName()).isEqualTo("paused-x");
      assertThat(election.fencingToken().orElseThrow()).as("a new term").isGreaterThan(tokenInA.get());
      assertThat(work.run()).as("@LeaderOnly runs").isTrue();
      assertThat(health.health().getStatus()).isEqualTo(Status.UP);
      assertThat(health.health().getDetails()).containsEntry("state", "leader");
      assertThat(registry.get("leader.election.leader").tag("lease", "paused-x").gauge().value()).isEqualTo(1.0);
      // The pause stopped leader work like a shutdown: lost, then elected again.
      await().atMost(Duration.ofSeconds(5)).until(() -> events.seen.size() >= 3);
      assertThat(events.seen).containsExactly("elected", "lost:" + LossReason.SHUTDOWN, "elected");
    }
  }

  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class App {
    @Bean
    Work work() {
      return new Work();
    }

    @Bean
    Events events() {
      return new Events();
    }
  }

  static class Work {
    @LeaderOnly
    public boolean run() {
      return true;
    }
  }

  static class Events {
    final List<String> seen = new CopyOnWriteArrayList<>();

    @EventListener
    void elected(OnLeaderElectedEvent e) {
      seen.add("elected");
    }

    @EventListener
    void lost(OnLeaderLostEvent e) {
      seen.add("lost:" + e.getReason());
    }
  }
}
