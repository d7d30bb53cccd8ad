package io.github.leaderelection.spring.leaderonly;

import static io.github.leaderelection.spring.TestRunners.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.leaderelection.core.InMemoryLeaseStore;
import io.github.leaderelection.core.LeaseStore;
import io.github.leaderelection.core.LossReason;
import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.spring.LeaderOnly;
import io.github.leaderelection.spring.OnLeaderElectedEvent;
import io.github.leaderelection.spring.OnLeaderLostEvent;
import io.github.leaderelection.spring.election.LeaderElectionLifecycle;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.concurrent.ExecutorConfigurationSupport;

/**
 * When leadership ends, running {@link LeaderOnly} calls are interrupted (INTERRUPT) or waited
 * for (FINISH) before the lost event, and on shutdown before the lease is released.
 */
class LeaderOnlyLossTests {

  private final ApplicationContextRunner runner = runner()
      .withPropertyValues("leader.election.mode=always-leader")
      .withBean(Timeline.class)
      .withBean(Worker.class);

  @Test
  void interruptPolicyInterruptsTheRunningCallBeforeTheLostEvent() {
    runner.run(context -> {
      Worker worker = context.getBean(Worker.class);
      Worker state = LeaderOnlyTests.target(worker);
      Timeline timeline = context.getBean(Timeline.class);
      CompletableFuture<Boolean> callerInterrupted = CompletableFuture.supplyAsync(() -> {
        worker.interruptible();
        return Thread.currentThread().isInterrupted();
      });
      assertThat(state.started.await(5, TimeUnit.SECONDS)).isTrue();

      assertThat(context.getBean(LeaderElection.class).stepDown().get(5, TimeUnit.SECONDS)).isTrue();

      // The method restored the interrupt flag; the proxy cleared it for the caller.
      assertThat(callerInterrupted.get(5, TimeUnit.SECONDS)).isFalse();
      await().atMost(Duration.ofSeconds(5)).until(() -> timeline.events.contains("lost RELEASED"));
      assertThat(timeline.events).containsSubsequence("elected", "interrupted", "lost RELEASED");
      assertThat(context.getBean(LeaderOnlyExecutions.class).runningCount()).isZero();
    });
  }

  @Test
  void finishPolicyWaitsForTheRunningCallBeforeTheLostEventAndTheRelease() {
    runner.run(context -> {
      Worker worker = context.getBean(Worker.class);
      Worker state = LeaderOnlyTests.target(worker);
      Timeline timeline = context.getBean(Timeline.class);
      CompletableFuture<Void> call = CompletableFuture.runAsync(worker::finishing);
      assertThat(state.started.await(5, TimeUnit.SECONDS)).isTrue();

      CompletableFuture<Boolean> stepDown = context.getBean(LeaderElection.class).stepDown();
      Thread.sleep(300);
      assertThat(context.getBean(LeaderElection.class).isLeader()).isFalse();
      assertThat(stepDown).isNotDone(); // the release waits for the call
      assertThat(timeline.events).doesNotContain("lost RELEASED");

      state.release.countDown();
      assertThat(stepDown.get(5, TimeUnit.SECONDS)).isTrue();
      call.get(5, TimeUnit.SECONDS);
      assertThat(timeline.events).containsSubsequence("elected", "finished", "lost RELEASED");
    });
  }

  @Test
  void eventsArriveOnTheListenerThreadAndAThrowingListenerBreaksNothing() {
    runner.withBean(ThrowingListener.class).run(context -> {
      Timeline timeline = context.getBean(Timeline.class);
      await().atMost(Duration.ofSeconds(5)).until(() -> timeline.electedThread != null);
      assertThat(timeline.electedThread).contains("events").isNotEqualTo(Thread.currentThread().getName());
      assertThat(context.getBean(LeaderElection.class).isLeader()).isTrue();
      context.getBean(LeaderElection.class).stepDown().get(5, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(5)).until(() -> timeline.events.contains("lost RELEASED"));
    });
  }

  @Test
  void eventsCarryTheTerm() {
    runner.run(context -> {
      Timeline timeline = context.getBean(Timeline.class);
      await().atMost(Duration.ofSeconds(5)).until(() -> timeline.elected != null);
      LeaderElection election = context.getBean(LeaderElection.class);
      assertThat(timeline.elected.getLeaseName()).isEqualTo("orders");
      assertThat(timeline.elected.getNamespace()).isEqualTo("test");
      assertThat(timeline.elected.getIdentity()).isEqualTo(election.status().identity());
      assertThat(timeline.elected.getFencingToken()).isEqualTo(election.fencingToken().getAsLong());
      assertThat(timeline.elected.getSource()).isSameAs(election);
      ((ConfigurableApplicationContext) context.getSourceApplicationContext()).close();
      assertThat(timeline.lost.getReason()).isEqualTo(LossReason.SHUTDOWN);
      assertThat(timeline.lost.getTerm()).isEqualTo(timeline.elected.getTerm());
    });
  }

  @Test
  void phaseSitsBetweenTheSchedulersAndTheWebServer() {
    assertThat(LeaderElectionLifecycle.PHASE)
        .isGreaterThan(ExecutorConfigurationSupport.DEFAULT_PHASE)
        .isLessThan(Integer.MAX_VALUE - 2048); // WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE
  }

  // --- shutdown with the application's own @EnableScheduling --------------------------------------

  @Test
  void shutdownInterruptsAScheduledCallThenPublishesLostThenReleases() {
    runner.withConfiguration(AutoConfigurations.of(TaskSchedulingAutoConfiguration.class))
        .withUserConfiguration(Scheduling.class)
        .withBean(ScheduledInterruptible.class)
        .run(context -> {
          Timeline timeline = context.getBean(Timeline.class);
          ScheduledInterruptible job = LeaderOnlyTests.target(context.getBean(ScheduledInterruptible.class));
          assertThat(job.started.await(5, TimeUnit.SECONDS)).isTrue();
          InMemoryLeaseStore store = (InMemoryLeaseStore) context.getBean(LeaseStore.class);
          String identity = context.getBean(LeaderElection.class).status().identity();

          long start = System.nanoTime();
          ((ConfigurableApplicationContext) context.getSourceApplicationContext()).close();
          Duration took = Duration.ofNanos(System.nanoTime() - start);

          // Had the scheduler stopped first, its stop would wait for the 30s sleep (10s bound).
          assertThat(took).isLessThan(Duration.ofSeconds(5));
          assertThat(timeline.events).containsSubsequence("elected", "interrupted", "lost SHUTDOWN");
          assertThat(timeline.holderAtLost).isEqualTo(identity); // released only after the event
          assertThat(store.peek().holder()).isEmpty();
        });
  }

  @Test
  void shutdownLetsAScheduledFinishCallEndThenPublishesLostThenReleases() {
    runner.withConfiguration(AutoConfigurations.of(TaskSchedulingAutoConfiguration.class))
        .withUserConfiguration(Scheduling.class)
        .withBean(ScheduledFinishing.class)
        .run(context -> {
          Timeline timeline = context.getBean(Timeline.class);
          ScheduledFinishing job = LeaderOnlyTests.target(context.getBean(ScheduledFinishing.class));
          assertThat(job.started.await(5, TimeUnit.SECONDS)).isTrue();
          InMemoryLeaseStore store = (InMemoryLeaseStore) context.getBean(LeaseStore.class);
          String identity = context.getBean(LeaderElection.class).status().identity();

          ((ConfigurableApplicationContext) context.getSourceApplicationContext()).close();

          assertThat(timeline.events).containsSubsequence("elected", "finished", "lost SHUTDOWN");
          assertThat(timeline.events).doesNotContain("interrupted");
          assertThat(timeline.holderAtLost).isEqualTo(identity);
          assertThat(store.peek().holder()).isEmpty();
        });
  }

  @Test
  void scheduledLeaderOnlyWorkIsSkippedByANeverLeader() {
    runner().withPropertyValues("leader.election.mode=never-leader")
        .withConfiguration(AutoConfigurations.of(TaskSchedulingAutoConfiguration.class))
        .withUserConfiguration(Scheduling.class)
        .withBean(Timeline.class)
        .withBean(ScheduledFinishing.class)
        .run(context -> {
          LeaderOnlyExecutions executions = context.getBean(LeaderOnlyExecutions.class);
          await().atMost(Duration.ofSeconds(5)).until(() -> executions.skippedCount() >= 3);
          assertThat(LeaderOnlyTests.target(context.getBean(ScheduledFinishing.class)).started.getCount()).isEqualTo(1);
        });
  }

  // --- beans --------------------------------------------------------------------------------------

  /** What happened, in order, across threads. */
  static class Timeline {
    final List<String> events = new CopyOnWriteArrayList<>();
    volatile String electedThread;
    volatile OnLeaderElectedEvent elected;
    volatile OnLeaderLostEvent lost;
    volatile String holderAtLost;
    private final LeaseStore store;

    Timeline(LeaseStore store) {
      this.store = store;
    }

    @EventListener
    void elected(OnLeaderElectedEvent event) {
      elected = event;
      electedThread = Thread.currentThread().getName();
      events.add("elected");
    }

    @EventListener
    void lost(OnLeaderLostEvent event) {
      lost = event;
      if (store instanceof InMemoryLeaseStore memory) {
        holderAtLost = memory.peek().holder();
      }
      events.add("lost " + event.getReason());
    }
  }

  static class ThrowingListener {
    @EventListener
    void elected(OnLeaderElectedEvent event) {
      throw new IllegalStateException("a listener failing on purpose");
    }
  }

  static class Worker {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private final Timeline timeline;

    Worker(Timeline timeline) {
      this.timeline = timeline;
    }

    /** Swallows the interrupt and restores the flag, as well-behaved code does. */
    @LeaderOnly(onLoss = LeaderOnly.OnLoss.INTERRUPT)
    public void interruptible() {
      started.countDown();
      try {
        Thread.sleep(30_000);
      } catch (InterruptedException e) {
        timeline.events.add("interrupted");
        Thread.currentThread().interrupt();
      }
    }

    @LeaderOnly
    public void finishing() {
      started.countDown();
      try {
        release.await();
        Thread.sleep(100); // still working a little after being released
      } catch (InterruptedException e) {
        timeline.events.add("interrupted");
        return;
      }
      timeline.events.add("finished");
    }
  }

  @Configuration(proxyBeanMethods = false)
  @EnableScheduling
  static class Scheduling {}

  static class ScheduledInterruptible {
    final CountDownLatch started = new CountDownLatch(1);
    private final Timeline timeline;

    ScheduledInterruptible(Timeline timeline) {
      this.timeline = timeline;
    }

    @Scheduled(fixedDelay = 50)
    @LeaderOnly(onLoss = LeaderOnly.OnLoss.INTERRUPT)
    public void run() throws InterruptedException {
      started.countDown();
      try {
        Thread.sleep(30_000);
      } catch (InterruptedException e) {
        timeline.events.add("interrupted");
        throw e;
      }
    }
  }

  static class ScheduledFinishing {
    final CountDownLatch started = new CountDownLatch(1);
    private final Timeline timeline;

    ScheduledFinishing(Timeline timeline) {
      this.timeline = timeline;
    }

    @Scheduled(fixedDelay = 50)
    @LeaderOnly
    public void run() {
      started.countDown();
      try {
        Thread.sleep(700);
      } catch (InterruptedException e) {
        timeline.events.add("interrupted");
        return;
      }
      timeline.events.add("finished");
    }
  }
}
