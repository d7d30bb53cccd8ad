package io.github.leaderelection.spring.metrics;

import io.github.leaderelection.spring.leaderonly.LeaderOnlyExecutions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The counter {@code leader.only.invocations}: {@code @LeaderOnly} calls, tagged {@code lease},
 * {@code method} ("SimpleClassName.method") and {@code outcome} (executed: this instance led
 * and ran it; skipped: it did not lead).
 *
 * <p>A {@link MeterBinder}, bound by Spring Boot to the registry when the registry is set up
 * (so lazy initialization cannot leave it out); calls before that are not counted. Boot binds
 * it once to the composite registry, or to each registry when there is none.
 */
public class LeaderOnlyMetrics implements LeaderOnlyExecutions.InvocationListener, MeterBinder {

  private final String leaseName;
  private final List<Bound> registries = new CopyOnWriteArrayList<>();

  /** The counters of one registry, cached per method: scheduled methods run often, and a lookup is not free. */
  private record Bound(MeterRegistry registry, Map<String, Counter> executed, Map<String, Counter> skipped) {}

  /** @param leaseName the lease's name, the {@code lease} tag */
  public LeaderOnlyMetrics(String leaseName) {
    this.leaseName = Objects.requireNonNull(leaseName, "leaseName");
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    registries.add(new Bound(Objects.requireNonNull(registry, "registry"), new ConcurrentHashMap<>(),
        new ConcurrentHashMap<>()));
  }

  @Override
  public void invoked(String method, boolean wasExecuted) {
    for (Bound b : registries) {
      Map<String, Counter> counters = wasExecuted ? b.executed : b.skipped;
      counters.computeIfAbsent(method, m -> Counter.builder("leader.only.invocations")
          .tag("lease", leaseName)
          .tag("method", m)
          .tag("outcome", wasExecuted ? "executed" : "skipped")
          .description("@LeaderOnly calls, executed as leader or skipped")
          .register(b.registry)).increment();
    }
  }
}
