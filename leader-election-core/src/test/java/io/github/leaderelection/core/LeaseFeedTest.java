package io.github.leaderelection.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.leaderelection.core.machine.Event;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lease feed: where each watch starts from, and how restarts back off. */
class LeaseFeedTest {

  static final Duration RP = Duration.ofSeconds(2);

  final FakeWorld world = new FakeWorld();
  final FakeWorld.Lane thread = world.lane("feed");
  final List<String> openedFrom = new ArrayList<>();
  final List<Long> openedAt = new ArrayList<>();
  final List<LeaseWatchListener> watchers = new ArrayList<>();
  final List<Event> events = new ArrayList<>();

  final LeaseStore store = new LeaseStore() {
    @Override
    public String describe() {
      return "default/feed";
    }

    @Override
    public VersionedLease get() {
      throw new UnsupportedOperationException("the feed never reads");
    }

    @Override
    public VersionedLease create(LeaseRecord record) {
      throw new UnsupportedOperationException();
    }

    @Override
    public VersionedLease update(VersionedLease current, LeaseRecord record) {
      throw new UnsupportedOperationException();
    }

    @Override
    public LeaseWatch watch(String resourceVersion, LeaseWatchListener listener) {
      openedFrom.add(resourceVersion);
      openedAt.add(world.nanoTime());
      watchers.add(listener);
      return () -> { };
    }
  };

  final LeaseFeed feed = new LeaseFeed(store, thread, RP, events::add);

  LeaseWatchListener current() {
    return watchers.get(watchers.size() - 1);
  }

  @Test
  void aWatchResumesFromTheLastBookmarkAndStartsOverAfter410() {
    feed.start();
    current().onUpsert(new VersionedLease(new LeaseRecord("a", 15, null, null, 0), "100", null));
    current().onBookmark("250");
    current().onClosed(null, false); // the server's timeout
    world.runDue();
    assertThat(openedFrom).containsExactly(null, "250");
    assertThat(events).hasSize(2);
    assertThat(events.get(0)).isInstanceOfSatisfying(Event.Observed.class,
        o -> assertThat(o.resourceVersion()).isEqualTo("100"));
    assertThat(events.get(1)).isEqualTo(new Event.Progress("250"));
    current().onClosed(null, true); // 410: the bookmark is compacted away
    world.runDue();
    assertThat(openedFrom).containsExactly(null, "250", null);
  }

  @Test
  void failedWatchesBackOffToEightRetryPeriods() {
    feed.start();
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      long closedAt = world.nanoTime();
      current().onClosed(new IOException("reset"), false);
      world.advance(Duration.ofSeconds(20));
      delays.add((openedAt.get(openedAt.size() - 1) - closedAt) / 1_000_000_000L);
    }
    // The first restart is immediate (a dropped connection is routine), then RP, 2, 4, 8 RP.
    assertThat(delays).containsExactly(0L, 2L, 4L, 8L, 16L, 16L, 16L);
  }

  @Test
  void eventsOfAWatchThatWasReplacedAreDropped() {
    feed.start();
    LeaseWatchListener old = current();
    current().onUpsert(new VersionedLease(new LeaseRecord("a", 15, null, null, 0), "100", null));
    world.runDue();
    feed.restart();
    old.onUpsert(new VersionedLease(new LeaseRecord("b", 15, null, null, 1), "90", null));
    world.runDue();
    assertThat(events).hasSize(1);
    assertThat(openedFrom).containsExactly(null, "100");
    feed.close();
    current().onBookmark("300");
    world.runDue();
    assertThat(events).hasSize(1);
  }
}
