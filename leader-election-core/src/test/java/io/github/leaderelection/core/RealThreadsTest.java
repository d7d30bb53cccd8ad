package io.github.leaderelection.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The elector on its real threads (in-memory store): thread use, shutdown, no leftovers. */
class RealThreadsTest {

  static ElectionConfig config(String id) {
    return ElectionConfig.builder("threads").namespace("default").identity(id)
        .leaseDuration(Duration.ofSeconds(2)).renewDeadline(Duration.ofMillis(1500))
        .retryPeriod(Duration.ofMillis(300)).build();
  }

  static Set<String> electorThreads() {
    Set<String> names = ConcurrentHashMap.newKeySet();
    Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("leader-elector-threads"))
        .forEach(t -> names.add(t.getName()));
    return names;
  }

  @Test
  void closeIsIdempotentBoundedAndLeavesNoThreads() {
    InMemoryLeaseStore store = new InMemoryLeaseStore("default", "threads");
    List<LeaderElector> electors = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      LeaderElector e = LeaderElector.builder(config("c" + i), store).build();
      electors.add(e);
      e.start();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> electors.stream().filter(LeaderElector::isLeader).count() == 1);
    assertThat(electorThreads()).isNotEmpty();
    long start = System.nanoTime();
    for (LeaderElector e : electors) {
      e.close();
      e.close();
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    await().atMost(Duration.ofSeconds(5)).until(() -> electorThreads().isEmpty());
    assertThat(store.peek().holder()).isEmpty(); // the last leader released
  }

  @Test
  void rule14_listenersRunOffTheElectionThreadAndABlockedOneDoesNotStopRenewals() throws Exception {
    InMemoryLeaseStore store = new InMemoryLeaseStore("default", "threads");
    Set<String> listenerThreads = ConcurrentHashMap.newKeySet();
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger renewals = new AtomicInteger();
    try (LeaderElector e = LeaderElector.builder(config("a"), store)
        .observer(new ElectionObserver() {
          @Override
          public void renewed(long sentAtNanos, Duration latency) {
            renewals.incrementAndGet();
          }
        })
        .listener(new LeadershipListener() {
          @Override
          public void onElected(LeadershipTerm term) {
            listenerThreads.add(Thread.currentThread().getName());
            try {
              release.await(); // user code stuck
            } catch (InterruptedException ex) {
              Thread.currentThread().interrupt();
            }
          }
        })
        .build()) {
      e.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> renewals.get() >= 8); // > 2 s of renewals
      assertThat(e.isLeader()).isTrue();
      assertThat(listenerThreads).singleElement().asString().endsWith("-events");
      release.countDown();
    }
  }

  @Test
  void aCustomThreadFactoryIsUsed() {
    AtomicInteger made = new AtomicInteger();
    InMemoryLeaseStore store = new InMemoryLeaseStore("default", "threads");
    try (LeaderElector e = LeaderElector.builder(config("a"), store)
        .threadFactory(r -> {
          made.incrementAndGet();
          Thread t = new Thread(r, "custom-" + made.get());
          t.setDaemon(true);
          return t;
        })
        .build()) {
      e.start();
      await().atMost(Duration.ofSeconds(5)).until(e::isLeader);
    }
    assertThat(made.get()).isEqualTo(3); // the election thread, the request thread, the listener thread
  }

  /** Finding 3, rule 24: the end of acting is announced on time while a request hangs. */
  @Test
  void finding3_lostIsAnnouncedAtTheDeadlineWhileARenewalHangs() throws Exception {
    // Real threads: the point is that no request blocks the thread owning the deadline.
    InMemoryLeaseStore real = new InMemoryLeaseStore("default", "hang");
    java.util.concurrent.CountDownLatch hang = new java.util.concurrent.CountDownLatch(1);
    AtomicBoolean hanging = new AtomicBoolean();
    AtomicBoolean inFlight = new AtomicBoolean();
    List<Boolean> requestInFlightWhenLost = new ArrayList<>();
    ElectionConfig config = ElectionConfig.builder("hang").namespace("default").identity("a")
        .leaseDuration(Duration.ofSeconds(3)).renewDeadline(Duration.ofSeconds(2))
        .retryPeriod(Duration.ofMillis(500)).build();
    try (LeaderElector e = LeaderElector.builder(config, real)
        .listener(new LeadershipListener() {
          @Override
          public void onLost(LeadershipTerm term, LossReason reason) {
            requestInFlightWhenLost.add(inFlight.get());
          }
        })
        .build()) {
      e.start();
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(e::isLeader);
      real.intercept(op -> {
        if (op == InMemoryLeaseStore.Operation.UPDATE && hanging.get()) {
          inFlight.set(true);
          try {
            hang.await(); // a request that ignores its timeout
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
          } finally {
            inFlight.set(false);
          }
          throw new LeaseStoreException("timed out (injected)", 0, null);
        }
      });
      hanging.set(true);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !requestInFlightWhenLost.isEmpty());
      assertThat(requestInFlightWhenLost).containsExactly(true);
      assertThat(e.isLeader()).isFalse();
      hang.countDown();
    }
  }

}
