package io.github.leaderelection.chaos;

import io.github.leaderelection.chaos.InvariantChecker.Category;
import io.github.leaderelection.chaos.InvariantChecker.Finding;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Markdown section of a multi-lease run ({@link ChaosRunner#multiLease}): the faults, then
 * per lease and category what its checker found, then the findings themselves.
 */
public final class MultiLeaseChaosReport {

  private static final long MS = 1_000_000L;

  private MultiLeaseChaosReport() {}

  public static String render(RunRecord run, Map<String, RunRecord> leases, Map<String, InvariantChecker.Result> results,
      boolean balanced, String title, String reproduce) {
    ChaosConfig cfg = run.config();
    StringBuilder md = new StringBuilder();
    md.append("#### ").append(title).append("\n\n");
    long violations = results.values().stream().mapToLong(r -> r.violations().size()).sum();
    md.append(String.format(Locale.ROOT,
        "Run %s UTC on %d cores; seed **%d**, **%d faults**; wall time **%d min %02d s**; %d candidate processes at a"
            + " time, %d over the run, each running **%d elections**%s; LD/RD/RP %d s / %d ms / %d ms; leader-only"
            + " work %d ms every %d ms per lease. **Violations: %d** (all leases).%n%n",
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").format(Instant.ofEpochMilli(run.wallStartMillis())
            .atOffset(ZoneOffset.UTC)),
        Runtime.getRuntime().availableProcessors(), cfg.seed(), run.faults().size(), run.wallMillis() / 60_000,
        (run.wallMillis() / 1000) % 60, cfg.candidates(), run.candidates().size(), leases.size(),
        balanced ? " with balancing" : "", cfg.leaseDuration().toSeconds(), cfg.renewDeadline().toMillis(),
        cfg.retryPeriod().toMillis(), cfg.workDuration().toMillis(), cfg.workInterval().toMillis(), violations));
    if (run.aborted() != null) {
      md.append("**Run ").append(run.aborted()).append(".** Only ").append(run.faults().size()).append(" of ")
          .append(cfg.faults()).append(" faults were injected.\n\n");
    }

    // faults by type, with the lease they were aimed at
    Map<FaultType, List<Fault>> byType = new EnumMap<>(FaultType.class);
    run.faults().forEach(f -> byType.computeIfAbsent(f.type(), k -> new ArrayList<>()).add(f));
    md.append("| fault | count | on the aimed-at lease's leader | worst recovery (last lease) | mean recovery |\n");
    md.append("|---|---:|---:|---:|---:|\n");
    byType.forEach((type, fs) -> {
      long max = fs.stream().mapToLong(Fault::recoveryNanos).max().orElse(0);
      boolean never = fs.stream().anyMatch(f -> f.recoveryNanos() < 0);
      double mean = fs.stream().mapToLong(f -> Math.max(0, f.recoveryNanos())).average().orElse(0);
      md.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %.0f ms |%n", type, fs.size(),
          fs.stream().filter(Fault::targetWasLeader).count(), never ? "never (some lease)" : max / MS + " ms",
          mean / MS));
    });
    md.append(String.format(Locale.ROOT, "| **total** | **%d** | %d | | |%n%n", run.faults().size(),
        run.faults().stream().filter(Fault::targetWasLeader).count()));

    // per lease and category
    List<Category> shown = new ArrayList<>();
    for (Category c : Category.values()) {
      if (c.violation() || results.values().stream().anyMatch(r -> r.byCategory().containsKey(c))) {
        shown.add(c);
      }
    }
    md.append("Findings per lease and category (violations first; a category with no finding on any lease and"
        + " that is no violation is left out):\n\n");
    md.append("| lease | faults aimed at it | terms | executions |");
    shown.forEach(c -> md.append(' ').append(c.name()).append(c.violation() ? " (violation)" : "").append(" |"));
    md.append(" worst recovery | longest without leader |\n|---|---:|---:|---:|");
    shown.forEach(c -> md.append("---:|"));
    md.append("---:|---:|\n");
    results.forEach((lease, r) -> {
      Map<Category, List<Finding>> byCat = r.byCategory();
      RunRecord lr = leases.get(lease);
      long aimed = run.faults().stream().filter(f -> lease.equals(f.lease())).count();
      md.append("| ").append(lease).append(" | ").append(aimed).append(" | ").append(r.terms().size()).append(" | ")
          .append(r.executions().size()).append(" |");
      shown.forEach(c -> {
        int n = byCat.getOrDefault(c, List.of()).size();
        md.append(' ').append(c.violation() && n > 0 ? "**" + n + "**" : Integer.toString(n)).append(" |");
      });
      long worst = lr.faults().stream().mapToLong(Fault::recoveryNanos).max().orElse(0);
      boolean never = lr.faults().stream().anyMatch(f -> f.recoveryNanos() < 0);
      md.append(' ').append(never ? "never" : worst / MS + " ms").append(" | ")
          .append(r.gaps().isEmpty() ? "-" : r.gaps().get(0).nanos() / MS + " ms").append(" |\n");
    });
    md.append('\n');
    md.append("- Reproduce: `").append(reproduce).append("`\n");
    md.append("- Each lease's record (run.tsv, transcript.txt without the prefix) is in `leases/<lease>/` of the run"
        + " directory; `Recheck` checks one again.\n\n");
    results.forEach((lease, r) -> {
      List<Finding> v = r.violations();
      if (!v.isEmpty()) {
        md.append("<details><summary>").append(lease).append(": violations (").append(v.size())
            .append(v.size() > 20 ? ", first 20" : "").append(")</summary>\n\n");
        for (Finding f : v.subList(0, Math.min(20, v.size()))) {
          md.append("- ").append(f.category()).append(": ").append(f.text().replace("|", "/")).append('\n');
        }
        md.append("\n</details>\n\n");
      }
    });
    return md.toString();
  }
}
