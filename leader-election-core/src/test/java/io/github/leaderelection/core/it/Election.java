package io.github.leaderelection.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.KubernetesLeaseStore;
import io.github.leaderelection.core.LeaderElector;
import io.kubernetes.client.openapi.ApiClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** A set of candidates for one lease on the real API server, each with its own client. */
final class Election implements AutoCloseable {

  /** The fast profile: lease 4 s, renew deadline 3 s, retry 1 s. */
  static final Duration LD = Duration.ofSeconds(4);
  static final Duration RD = Duration.ofSeconds(3);
  static final Duration RP = Duration.ofSeconds(1);

  /** One candidate. */
  record Member(String id, LeaderElector elector, ActingRecorder recorder) {}

  final String namespace;
  final String lease;
  final List<Member> members = new ArrayList<>();
  private final Duration ld;
  private final Duration rd;
  private final Duration rp;

  Election(String namespace, String lease) {
    this(namespace, lease, LD, RD, RP);
  }

  Election(String namespace, String lease, Duration ld, Duration rd, Duration rp) {
    this.namespace = namespace;
    this.lease = lease;
    this.ld = ld;
    this.rd = rd;
    this.rp = rp;
  }

  ElectionConfig config(String id) {
    return ElectionConfig.builder(lease).namespace(namespace).identity(id)
        .leaseDuration(ld).renewDeadline(rd).retryPeriod(rp).build();
  }

  Member start(String id, ApiClient client) {
    ElectionConfig config = config(id);
    ActingRecorder recorder = new ActingRecorder(id, rd);
    LeaderElector elector = LeaderElector.builder(config, new KubernetesLeaseStore(client, config))
        .observer(recorder).listener(recorder).build();
    Member m = new Member(id, elector, recorder);
    synchronized (members) {
      members.add(m);
    }
    elector.start();
    return m;
  }

  Optional<Member> leader() {
    synchronized (members) {
      return members.stream().filter(m -> m.elector().isLeader()).findFirst();
    }
  }

  long actingLeaders() {
    synchronized (members) {
      return members.stream().filter(m -> m.elector().isLeader()).count();
    }
  }

  /** Zero tolerance: no two acting intervals of different terms overlap. */
  void assertNoOverlappingTerms() {
    List<ActingRecorder.Interval> all = new ArrayList<>();
    synchronized (members) {
      members.forEach(m -> all.addAll(m.recorder().intervals()));
    }
    all.sort(Comparator.comparingLong(ActingRecorder.Interval::ack));
    for (int i = 1; i < all.size(); i++) {
      ActingRecorder.Interval prev = all.get(i - 1);
      ActingRecorder.Interval next = all.get(i);
      assertThat(next.ack()).as("%s acked at %d before %s's term ended at %d", next.identity(), next.ack(),
          prev.identity(), prev.end()).isGreaterThanOrEqualTo(prev.end());
    }
  }

  /** Per candidate: elected and lost alternate, starting with elected (rule 13). */
  void assertEventsAlternate() {
    synchronized (members) {
      for (Member m : members) {
        List<String> events = m.recorder().events();
        for (int i = 0; i < events.size(); i++) {
          assertThat(events.get(i)).as(m.id() + " event " + i).isEqualTo(i % 2 == 0 ? "elected" : "lost");
        }
      }
    }
  }

  @Override
  public void close() {
    synchronized (members) {
      members.parallelStream().forEach(m -> m.elector().close());
    }
  }
}
