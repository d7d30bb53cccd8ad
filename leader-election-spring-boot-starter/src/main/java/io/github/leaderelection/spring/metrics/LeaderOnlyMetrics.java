package io.github.leaderelection.spring.metrics;

import io.github.leaderelection.spring.leaderonly.LeaderOnlyExecutions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The counter {@code leader.only.invocations}: {@code @LeaderOnly} calls, tagged {@code lease},
 * {@code method} ("SimpleClassName.method") and {@code outcome} (executed: this instance led
 * and ran it; skipped: it did not lead).
 */
public class LeaderOnlyMetrics implements LeaderOnlyExecutions.InvocationListener {

  private final MeterRegistry registry;
  private final String leaseName;
  private final Map<String, Counter> executed = new ConcurrentHashMap<>();
  private final Map<String, Counter> skipped = new ConcurrentHashMap<>();

  /**
   * @param registry where to register
   * @param leaseName the lease's name, the {@code lease} tag
   */
  public LeaderOnlyMetrics(MeterRegistry registry, String leaseName) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.leaseName = Objects.requireNonNull(leaseName, "leaseName");
  }

  @Override
  public void invoked(String method, boolean wasExecuted) {
    // Cached per method: scheduled methods run often, and a registry lookup is not free.
    Map<String, Counter> counters = wasExecuted ? executed : skipped;
    counters.computeIfAbsent(method, m -> Counter.builder("leader.only.invocations")
        .tag("lease", leaseName)
        .tag("method", m)
        .tag("outcome", wasExecuted ? "executed" : "skipped")
        .description("@LeaderOnly calls, executed as leader or skipped")
        .register(registry)).increment();
  }
}
