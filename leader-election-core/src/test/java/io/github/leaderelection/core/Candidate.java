package io.github.leaderelection.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** One elector in a {@link FakeWorld}, recording what its listeners heard. */
final class Candidate {

  final String id;
  final FakeWorld.Lane thread;
  final FakeWorld.Lane events;
  final FakeWorld.Lane io;
  final LeaderElector elector;
  final List<String> heard = Collections.synchronizedList(new ArrayList<>());
  final List<LeadershipTerm> terms = new ArrayList<>();
  final List<LossReason> losses = new ArrayList<>();
  final List<String> leadersSeen = new ArrayList<>();
  final List<Long> renewalsSentAt = new ArrayList<>();

  Candidate(FakeWorld world, LeaseStore store, ElectionConfig config, Duration wallOffset) {
    this.id = config.identity();
    this.thread = world.lane(id);
    this.events = world.lane(id + "-events");
    this.io = world.lane(id + "-io");
    this.elector = LeaderElector.builder(config, store)
        .ticker(world)
        .clock(world.wallClock(wallOffset))
        .scheduler(thread)
        .listenerExecutor(events)
        .requestExecutor(io)
        .observer(new ElectionObserver() {
          @Override
          public void renewed(long sentAtNanos, Duration latency) {
            renewalsSentAt.add(sentAtNanos);
          }
        })
        .listener(new LeadershipListener() {
          @Override
          public void onElected(LeadershipTerm term) {
            heard.add("elected");
            terms.add(term);
          }

          @Override
          public void onLost(LeadershipTerm term, LossReason reason) {
            heard.add("lost");
            losses.add(reason);
          }

          @Override
          public void onNewLeader(String identity) {
            leadersSeen.add(identity);
          }
        })
        .build();
  }

  static ElectionConfig.Builder config(String lease, String id) {
    return ElectionConfig.builder(lease).namespace("default").identity(id);
  }

  /** Pauses the whole process (SIGSTOP, a long GC): every one of its threads. */
  void pause() {
    thread.freeze();
    events.freeze();
    io.freeze();
  }

  /** Resumes the whole process. */
  void resume() {
    thread.thaw();
    events.thaw();
    io.thaw();
  }

  Candidate start() {
    elector.start();
    return this;
  }

  boolean isLeader() {
    return elector.isLeader();
  }

  @Override
  public String toString() {
    return id;
  }
}
