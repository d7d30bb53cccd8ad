package io.github.leaderelection.spring.metrics;

import io.github.leaderelection.spring.leaderonly.LeaderOnlyExecutions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
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
  /** The lease of each election's name; the default election's is {@link #leaseName}. */
  private final Function<String, String> leaseOf;
  private final List<Bound> registries = new CopyOnWriteArrayList<>();

  /** The counters of one registry, cached per method: scheduled methods run often, and a lookup is not free. */
  private record Bound(MeterRegistry registry, Map<String, Counter> executed, Map<String, Counter> skipped) {}

  /** @param leaseName the lease's name, the {@code lease} tag */
  public LeaderOnlyMetrics(String leaseName) {
    this(leaseName, election -> leaseName);
  }

  /**
   * @param leaseName the default election's lease name
   * @param leaseOf the lease name of an election, by the election's name (the {@code lease} tag
   *     of its methods' calls)
   */
  public LeaderOnlyMetrics(String leaseName, Function<String, String> leaseOf) {
    this.leaseName = Objects.requireNonNull(leaseName, "leaseName");
    this.leaseOf = Objects.requireNonNull(leaseOf, "leaseOf");
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    registries.add(new Bound(Objects.requireNonNull(registry, "registry"), new ConcurrentHashMap<>(),
        new ConcurrentHashMap<>()));
  }

  @Override
  public void invoked(String method, boolean wasExecuted) {
    count(leaseName, method, wasExecuted);
  }

  @Override
  public void invoked(String election, String method, boolean wasExecuted) {
    count(io.github.leaderelection.spring.LeaderElections.DEFAULT.equals(election) ? leaseName
        : leaseOf.apply(election), method, wasExecuted);
  }

  private void count(String lease, String method, boolean wasExecuted) {
    for (Bound b : registries) {
      Map<String, Counter> counters = wasExecuted ? b.executed : b.skipped;
      counters.computeIfAbsent(lease + "/" + method, key -> Counter.builder("leader.only.invocations")
          .tag("lease", lease)
          .tag("method", method)
          .tag("outcome", wasExecuted ? "executed" : "skipped")
          .description("@LeaderOnly calls, executed as leader or skipped")
          .register(b.registry)).increment();
    }
  }

}
