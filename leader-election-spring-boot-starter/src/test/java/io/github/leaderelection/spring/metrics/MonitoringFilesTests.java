package io.github.leaderelection.spring.metrics;

import static io.github.leaderelection.spring.TestRunners.runner;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.leaderelection.spring.LeaderOnly;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/**
 * The alert rules, their tests and the Grafana dashboard under {@code monitoring/} query what
 * the starter really exports: every {@code leader_*} metric they name is a series of a meter
 * the starter registers, every label they match or group by is a tag of that meter or a label
 * the scrape adds, and the dashboard shows every meter. The meters are taken from a running
 * context, not from a list kept here, so a renamed meter or tag fails this test until the files
 * follow. (promtool checks the PromQL itself, see monitoring/check.sh.)
 */
class MonitoringFilesTests {

  private static final Path MONITORING = Path.of("..", "monitoring");
  private static final Path RULES = MONITORING.resolve("prometheus/leader-election.rules.yaml");
  private static final Path RULE_TESTS = MONITORING.resolve("prometheus/leader-election.rules.test.yaml");
  private static final Path DASHBOARD = MONITORING.resolve("grafana/leader-election.dashboard.json");

  /**
   * Labels Prometheus adds to every series of a target ({@code job}, {@code instance}), those a
   * Kubernetes ServiceMonitor or PodMonitor adds ({@code namespace}, {@code pod}), and the
   * bucket bound of a histogram ({@code le}).
   */
  private static final Set<String> SCRAPE_LABELS = Set.of("job", "instance", "namespace", "pod", "le");

  private static final Pattern METRIC = Pattern.compile("\\bleader_[a-z0-9_]+\\b");
  private static final Pattern SELECTOR = Pattern.compile("\\b(leader_[a-z0-9_]+)\\s*\\{([^}]*)}");
  private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)");
  private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without|on|ignoring)\\s*\\(([^)]*)\\)");

  /** Exported series name to its labels (meter tags), for every meter of the starter. */
  private static Map<String, Set<String>> exported;
  /** The Prometheus base name of each meter (e.g. leader_election_renewals_seconds). */
  private static Set<String> baseNames;

  @BeforeAll
  static void collectTheStartersMeters() {
    exported = new TreeMap<>();
    baseNames = new TreeSet<>();
    runner().withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
            LeaderElectionMetricsAutoConfiguration.class))
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withUserConfiguration(Job.class)
        .run(context -> {
          // The meters created on demand: an API error and a @LeaderOnly call.
          context.getBean(ElectionMetricsObserver.class).apiError("renew", 403);
          context.getBean(Job.class).work();
          for (Meter meter : context.getBean(MeterRegistry.class).getMeters()) {
            if (meter.getId().getName().startsWith("leader.")) {
              addPrometheusSeries(meter.getId());
            }
          }
        });
    assertThat(baseNames).as("meters of the starter").hasSizeGreaterThanOrEqualTo(7);
  }

  /**
   * The series micrometer-registry-prometheus (1.13 and later, on the Prometheus Java client
   * 1.x) exports for a meter: the name snake-cased; a counter gets {@code _total}; a timer or
   * long task timer is in seconds, a summary ({@code _count}, {@code _sum}) or, with
   * percentiles-histogram on, a histogram ({@code _bucket} too), plus a {@code _max} gauge.
   */
  private static void addPrometheusSeries(Meter.Id id) {
    assertThat(id.getName()).as("a name this mapping knows how to convert").matches("[a-z]+(\\.[a-z]+)*");
    String base = id.getName().replace('.', '_');
    Set<String> tags = new TreeSet<>();
    id.getTags().forEach(t -> tags.add(t.getKey()));
    List<String> series = new ArrayList<>();
    switch (id.getType()) {
      case COUNTER -> series.add(base + "_total");
      case GAUGE -> series.add(id.getBaseUnit() == null ? base : base + "_" + id.getBaseUnit());
      case TIMER, LONG_TASK_TIMER -> {
        base = base + "_seconds";
        for (String suffix : List.of("_count", "_sum", "_max", "_bucket")) {
          series.add(base + suffix);
        }
      }
      default -> throw new AssertionError("no Prometheus mapping here for " + id.getType() + " " + id.getName());
    }
    baseNames.add(id.getType() == Meter.Type.COUNTER ? base + "_total" : base);
    for (String s : series) {
      exported.computeIfAbsent(s, k -> new TreeSet<>()).addAll(tags);
    }
  }

  @Test
  void everyMetricTheFilesNameIsExportedByTheStarter() throws Exception {
    for (Path file : List.of(RULES, RULE_TESTS, DASHBOARD)) {
      Set<String> named = find(METRIC, read(file), 0);
      assertThat(named).as("metrics named in " + file).isNotEmpty();
      assertThat(exported.keySet()).as("series the starter exports, against those named in " + file)
          .containsAll(named);
    }
  }

  @Test
  void everyLabelTheFilesSelectOrGroupByExists() throws Exception {
    Set<String> allTags = new TreeSet<>(SCRAPE_LABELS);
    exported.values().forEach(allTags::addAll);
    for (Path file : List.of(RULES, RULE_TESTS, DASHBOARD)) {
      String text = read(file);
      Matcher selector = SELECTOR.matcher(text);
      while (selector.find()) {
        String metric = selector.group(1);
        Set<String> allowed = new TreeSet<>(SCRAPE_LABELS);
        allowed.addAll(exported.getOrDefault(metric, Set.of()));
        assertThat(allowed).as("labels of " + metric + " in " + file + ": " + selector.group())
            .containsAll(find(MATCHER, selector.group(2), 1));
      }
      Set<String> grouped = new TreeSet<>();
      Matcher grouping = GROUPING.matcher(text);
      while (grouping.find()) {
        for (String label : grouping.group(1).split(",")) {
          if (!label.isBlank()) {
            grouped.add(label.strip());
          }
        }
      }
      assertThat(allTags).as("labels grouped by in " + file).containsAll(grouped);
    }
  }

  @Test
  void theDashboardShowsEveryMeter() throws Exception {
    Set<String> named = find(METRIC, read(DASHBOARD), 0);
    for (String base : baseNames) {
      assertThat(named).as("the dashboard queries meter " + base)
          .anyMatch(n -> n.equals(base) || n.startsWith(base + "_"));
    }
  }

  private static String read(Path file) throws Exception {
    assertThat(file).as("monitoring file").exists();
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  private static Set<String> find(Pattern pattern, String text, int group) {
    Set<String> found = new TreeSet<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      found.add(m.group(group));
    }
    return found;
  }

  @Configuration(proxyBeanMethods = false)
  static class Job {
    @LeaderOnly
    public void work() {}
  }
}
