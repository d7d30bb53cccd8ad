package io.github.leaderelection.spring.election;

import static io.github.leaderelection.spring.TestRunners.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.leaderelection.core.InMemoryLeaseStore;
import io.github.leaderelection.core.LeaseRecord;
import io.github.leaderelection.core.LeaseStore;
import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.spring.LeadershipEvent;
import io.github.leaderelection.spring.OnLeaderChangedEvent;
import io.github.leaderelection.spring.OnLeaderElectedEvent;
import io.github.leaderelection.spring.OnLeaderLostEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;

/**
 * Our events reach every listener even when one throws; every other event keeps the
 * application's multicaster and its rules (the default one rethrows at the first failure).
 */
@ExtendWith(OutputCaptureExtension.class)
class EventDeliveryTests {

  @Test
  void aThrowingListenerDoesNotHideLeadershipEventsFromTheOthers(CapturedOutput output) {
    runner().withPropertyValues("leader.election.mode=always-leader")
        .withBean(Throwing.class)
        .withBean(Recording.class)
        .run(context -> {
          Recording recording = context.getBean(Recording.class);
          await().atMost(Duration.ofSeconds(5)).until(() -> !recording.events.isEmpty());
          assertThat(recording.events.get(0)).isInstanceOf(OnLeaderElectedEvent.class);

          assertThat(context.getBean(LeaderElection.class).stepDown().get()).isTrue();
          await().atMost(Duration.ofSeconds(5)).until(() -> recording.events.size() == 2);
          assertThat(recording.events.get(1)).isInstanceOf(OnLeaderLostEvent.class);
          assertThat(context.getBean(Throwing.class).calls).isEqualTo(2);

          // Each failure is logged with the listener's name.
          assertThat(output).contains("EventDeliveryTests$Throwing.onLeadership")
              .contains("boom on OnLeaderElectedEvent").contains("boom on OnLeaderLostEvent");
        });
  }

  @Test
  void aNewHolderIsPublishedAsLeaderChangedToEveryListener(CapturedOutput output) {
    runner().withPropertyValues("leader.election.mode=always-leader", "leader.election.identity=me")
        .withBean(Throwing.class)
        .withBean(Recording.class)
        .run(context -> {
          Recording recording = context.getBean(Recording.class);
          await().atMost(Duration.ofSeconds(5)).until(() -> recording.changes().size() == 1);
          OnLeaderChangedEvent self = recording.changes().get(0);
          assertThat(self.getLeaseName()).isEqualTo("orders");
          assertThat(self.getNamespace()).isEqualTo("test");
          assertThat(self.getIdentity()).isEqualTo("me");
          assertThat(self.getLeaderIdentity()).isEqualTo("me");
          assertThat(self.isThisInstance()).isTrue();
          assertThat(self.getSource()).isSameAs(context.getBean(LeaderElection.class));

          // Another client takes the lease: observed through the watch.
          InMemoryLeaseStore store = (InMemoryLeaseStore) context.getBean(LeaseStore.class);
          store.forceWrite(new LeaseRecord("other", 15, Instant.now(), Instant.now(), 1));
          await().atMost(Duration.ofSeconds(5)).until(() -> recording.changes().size() == 2);
          OnLeaderChangedEvent other = recording.changes().get(1);
          assertThat(other.getLeaderIdentity()).isEqualTo("other");
          assertThat(other.getIdentity()).isEqualTo("me");
          assertThat(other.isThisInstance()).isFalse();
          assertThat(other.toString()).contains("test/orders").contains("leader=other");

          // Delivered like elected and lost: the throwing listener did not hide it.
          assertThat(output).contains("boom on OnLeaderChangedEvent");
        });
  }

  @Test
  void otherEventsKeepTheApplicationsMulticaster() {
    runner().withPropertyValues("leader.election.mode=never-leader")
        .withBean(Throwing.class)
        .withBean(Recording.class)
        .run(context -> {
          // Not replaced globally: the default multicaster still rethrows, and the listener
          // after the throwing one does not see the event.
          assertThatThrownBy(() -> context.publishEvent(new Other(this))).hasMessage("boom on Other");
          assertThat(context.getBean(Recording.class).events).isEmpty();
        });
  }

  static class Other extends ApplicationEvent {
    Other(Object source) {
      super(source);
    }
  }

  static class Throwing {
    volatile int calls;

    @EventListener({LeadershipEvent.class, Other.class})
    @Order(1)
    public void onLeadership(ApplicationEvent event) {
      calls++;
      throw new IllegalStateException("boom on " + event.getClass().getSimpleName());
    }

    @EventListener
    @Order(1)
    public void onChange(OnLeaderChangedEvent event) {
      throw new IllegalStateException("boom on " + event.getClass().getSimpleName());
    }
  }

  static class Recording {
    final List<ApplicationEvent> events = new CopyOnWriteArrayList<>();

    final List<OnLeaderChangedEvent> changes = new CopyOnWriteArrayList<>();

    @EventListener({LeadershipEvent.class, Other.class})
    @Order(2)
    public void onLeadership(ApplicationEvent event) {
      events.add(event);
    }

    @EventListener
    @Order(2)
    public void onChange(OnLeaderChangedEvent event) {
      changes.add(event);
    }

    List<OnLeaderChangedEvent> changes() {
      return changes;
    }
  }
}
