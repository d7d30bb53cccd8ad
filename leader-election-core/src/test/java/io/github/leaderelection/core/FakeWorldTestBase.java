package io.github.leaderelection.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;

/**
 * A fake world with one lease and any number of candidates (15/10/2 s), checking after every
 * step that at most one of them acts as leader.
 */
abstract class FakeWorldTestBase {

  static final Duration LD = Duration.ofSeconds(15);
  static final Duration RD = Duration.ofSeconds(10);
  static final Duration RP = Duration.ofSeconds(2);
  static final Duration MS = Duration.ofMillis(1);

  FakeWorld world;
  InMemoryLeaseStore store;
  List<Candidate> candidates;

  @BeforeEach
  void setUpWorld() {
    world = new FakeWorld();
    store = new InMemoryLeaseStore("default", "jobs");
    candidates = new ArrayList<>();
    world.afterEachStep(this::atMostOneActingLeader);
  }

  void atMostOneActingLeader() {
    List<Candidate> leaders = candidates.stream().filter(Candidate::isLeader).toList();
    assertThat(leaders).as("acting leaders at the same instant").hasSizeLessThanOrEqualTo(1);
  }

  Candidate candidate(String id) {
    return candidate(id, Duration.ZERO);
  }

  Candidate candidate(String id, Duration wallOffset) {
    Candidate c = new Candidate(world, store, Candidate.config("jobs", id).build(), wallOffset);
    candidates.add(c);
    return c;
  }

  Candidate startedLeader(String id) {
    Candidate c = candidate(id).start();
    world.runDue();
    assertThat(c.isLeader()).isTrue();
    return c;
  }

  long lastRenewal(Candidate c) {
    return c.renewalsSentAt.get(c.renewalsSentAt.size() - 1);
  }

  static LeaseStoreException ioError() {
    return new LeaseStoreException("connection reset (injected)", 0, null);
  }
}
