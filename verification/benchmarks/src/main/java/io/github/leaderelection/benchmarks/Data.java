package io.github.leaderelection.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;

/** Queries over the raw rows of a run, shared by the Markdown report and the chart. */
final class Data {

  static final List<String> IMPL_ORDER = List.of("ours", "client-java", "fabric8", "client-go", "node",
      "spring-cloud", "spring-cloud-fabric8");
  static final List<String> PROFILE_ORDER = List.of("default", "fast");

  private final List<Results.Row> rows;

  Data(List<Results.Row> rows) {
    this.rows = rows;
  }

  List<String> impls() {
    Set<String> present = new LinkedHashSet<>();
    rows.stream().filter(r -> !r.impl().equals("none")).forEach(r -> present.add(r.impl()));
    List<String> ordered = new ArrayList<>(IMPL_ORDER.stream().filter(present::contains).toList());
    present.stream().filter(i -> !ordered.contains(i)).forEach(ordered::add);
    return ordered;
  }

  List<String> profiles() {
    Set<String> present = new LinkedHashSet<>();
    rows.forEach(r -> present.add(r.profile()));
    return PROFILE_ORDER.stream().filter(present::contains).toList();
  }

  List<Double> values(String impl, String profile, String metric) {
    return rows.stream().filter(r -> r.impl().equals(impl) && r.profile().equals(profile) && r.metric().equals(metric))
        .map(Results.Row::value).toList();
  }

  List<Double> values(String impl, String profile, int n, String metric) {
    return rows.stream().filter(r -> r.impl().equals(impl) && r.profile().equals(profile) && r.n() == n
        && r.metric().equals(metric)).map(Results.Row::value).toList();
  }

  Stats stats(String impl, String profile, String metric) {
    return Stats.of(values(impl, profile, metric));
  }

  OptionalDouble single(String impl, String profile, int n, String metric) {
    List<Double> v = values(impl, profile, n, metric);
    return v.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(v.get(v.size() - 1));
  }

  long count(String impl, String profile, String scenario, String metric) {
    return rows.stream().filter(r -> r.impl().equals(impl) && r.profile().equals(profile)
        && r.scenario().equals(scenario) && r.metric().equals(metric)).count();
  }

  List<Results.Row> rows(String metric) {
    return rows.stream().filter(r -> r.metric().equals(metric)).toList();
  }

  /** Candidate counts of the steady-state runs. */
  List<Integer> loadSizes() {
    Set<Integer> sizes = new TreeSet<>();
    rows.stream().filter(r -> r.scenario().equals("load") && r.n() > 0).forEach(r -> sizes.add(r.n()));
    return List.copyOf(sizes);
  }

  /** How many candidates a steady-state run of {@code n} requested really ran (a memory cap may lower it). */
  int ran(String impl, String profile, int n) {
    OptionalDouble v = single(impl, profile, n, "candidates_run");
    return v.isPresent() ? (int) v.getAsDouble() : n;
  }

  /** The row values of one metric in the rolling-restart trials. */
  List<Double> rolling(String impl, String profile, String metric) {
    return rows.stream().filter(r -> r.impl().equals(impl) && r.profile().equals(profile)
        && r.scenario().equals("rolling") && r.metric().equals(metric)).map(Results.Row::value).toList();
  }

  /** Profiles with rolling-restart rows. */
  List<String> rollingProfiles() {
    return PROFILE_ORDER.stream().filter(p -> rows.stream().anyMatch(r -> r.profile().equals(p)
        && r.scenario().equals("rolling"))).toList();
  }

  /** Profiles with steady-state rows. */
  List<String> loadProfiles() {
    return PROFILE_ORDER.stream().filter(p -> rows.stream().anyMatch(r -> r.profile().equals(p)
        && r.scenario().equals("load") && r.metric().startsWith("rpm_total_"))).toList();
  }

  /** Notes of one metric's rows (e.g. why a run was capped). */
  List<Results.Row> rows(String impl, String profile, int n, String metric) {
    return rows.stream().filter(r -> r.impl().equals(impl) && r.profile().equals(profile) && r.n() == n
        && r.metric().equals(metric)).toList();
  }

  /** Verbs seen with a non-zero rate in any steady-state run. */
  List<String> verbs() {
    Set<String> verbs = new TreeSet<>();
    rows.stream().filter(r -> r.metric().startsWith("rpm_total_") && r.value() != 0)
        .forEach(r -> verbs.add(r.metric().substring("rpm_total_".length())));
    List<String> ordered = new ArrayList<>(List.of("GET", "PUT", "POST", "PATCH", "LIST", "WATCH"));
    ordered.retainAll(verbs);
    verbs.stream().filter(v -> !ordered.contains(v)).forEach(ordered::add);
    return ordered;
  }

  /** Requests per minute of all candidates together for one verb ("" = all verbs). */
  OptionalDouble totalRpm(String impl, String profile, int n, String verb) {
    List<Results.Row> matching = rows.stream().filter(r -> r.impl().equals(impl) && r.profile().equals(profile)
        && r.n() == n && r.metric().startsWith("rpm_total_")
        && (verb.isEmpty() || r.metric().equals("rpm_total_" + verb))).toList();
    return matching.isEmpty() ? OptionalDouble.empty()
        : OptionalDouble.of(matching.stream().mapToDouble(Results.Row::value).sum());
  }

  /**
   * Leader and per-follower rates, from the totals with the two smallest candidate counts
   * (as run): total(n) = leader + (n - 1) follower.
   */
  double[] leaderFollowerRpm(String impl, String profile, String verb) {
    List<Integer> sizes = loadSizes();
    if (sizes.size() < 2) {
      return null;
    }
    int a = sizes.get(0);
    int b = sizes.get(1);
    OptionalDouble ta = totalRpm(impl, profile, a, verb);
    OptionalDouble tb = totalRpm(impl, profile, b, verb);
    int na = ran(impl, profile, a);
    int nb = ran(impl, profile, b);
    if (ta.isEmpty() || tb.isEmpty() || na == nb) {
      return null;
    }
    double follower = (tb.getAsDouble() - ta.getAsDouble()) / (nb - na);
    double leader = ta.getAsDouble() - (na - 1) * follower;
    return new double[] {leader, follower};
  }
}
