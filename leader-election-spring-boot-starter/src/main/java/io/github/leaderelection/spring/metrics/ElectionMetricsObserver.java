package io.github.leaderelection.spring.metrics;

import io.github.leaderelection.core.ElectionObserver;
import io.github.leaderelection.spring.election.ElectionObserverFactory;
import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.core.LeaseStoreException;
import io.github.leaderelection.core.LossReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;

/**
 * Records the election's meters from the elector's {@link ElectionObserver} hooks, all tagged
 * {@code lease} with the lease's name:
 * <ul>
 *   <li>{@code leader.election.transitions} (counter): terms this instance began;</li>
 *   <li>{@code leader.election.renewals} (timer, tag {@code outcome} success|failure): renewal
 *       requests, the acquiring write included, and their latency;</li>
 *   <li>{@code leader.election.acquisitions} (timer): the time from beginning to compete to
 *       leadership;</li>
 *   <li>{@code leader.election.leadership} (long task timer): leadership held, while held;</li>
 *   <li>{@code leader.election.api.errors} (counter, tags {@code operation} get|acquire|renew|
 *       create|release and {@code status}, the HTTP status or {@code none} when no response
 *       arrived): failed API requests. A lost race (409) is not an error.</li>
 * </ul>
 * The hooks run on the elector thread; each records a meter and returns.
 */
public class ElectionMetricsObserver implements ElectionObserverFactory.PerElection {

  private final MeterRegistry registry;
  private final Tags tags;
  private final Counter transitions;
  private final Timer renewalSuccesses;
  private final Timer renewalFailures;
  private final Timer acquisitions;
  private final LongTaskTimer leadership;
  private volatile LongTaskTimer.Sample term;

  /**
   * Registers the meters, so they exist (at zero) before the first election.
   *
   * @param registry where to register
   * @param leaseName the lease's name, the {@code lease} tag
   */
  public ElectionMetricsObserver(MeterRegistry registry, String leaseName) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.tags = Tags.of("lease", leaseName);
    this.transitions = Counter.builder("leader.election.transitions").tags(tags)
        .description("Times this instance became the leader").register(registry);
    this.renewalSuccesses = renewals("success");
    this.renewalFailures = renewals("failure");
    this.acquisitions = Timer.builder("leader.election.acquisitions").tags(tags)
        .description("Time from beginning to compete to becoming the leader").register(registry);
    this.leadership = LongTaskTimer.builder("leader.election.leadership").tags(tags)
        .description("Leadership held by this instance").register(registry);
  }

  private Timer renewals(String outcome) {
    return Timer.builder("leader.election.renewals").tags(tags).tag("outcome", outcome)
        .description("Lease renewals (the acquiring write included) and their latency").register(registry);
  }

  @Override
  public void renewed(long sentAtNanos, Duration latency) {
    renewalSuccesses.record(latency);
  }

  @Override
  public void renewFailed(Duration latency, LeaseStoreException cause) {
    renewalFailures.record(latency);
  }

  @Override
  public void acquired(LeadershipTerm term, Duration sinceCandidacy) {
    transitions.increment();
    acquisitions.record(sinceCandidacy);
    LongTaskTimer.Sample previous = this.term;
    if (previous != null) {
      previous.stop(); // elected and lost alternate; never leave a sample running
    }
    this.term = leadership.start();
  }

  @Override
  public void lost(LeadershipTerm term, LossReason reason) {
    LongTaskTimer.Sample sample = this.term;
    this.term = null;
    if (sample != null) {
      sample.stop();
    }
  }

  @Override
  public void apiError(String operation, int status) {
    if (status == 409) {
      // The elector reports every failed request, a lost race too: with several candidates
      // each takeover brings 409s, which are the protocol working, not something to alert on.
      return;
    }
    Counter.builder("leader.election.api.errors").tags(tags)
        .tag("operation", operation)
        .tag("status", status == 0 ? "none" : String.valueOf(status))
        .description("Failed Kubernetes API requests of the election")
        .register(registry)
        .increment();
  }

  @Override
  public String toString() {
    return "Micrometer election metrics " + tags;
  }
}
