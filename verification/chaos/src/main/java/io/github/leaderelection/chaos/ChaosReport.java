package io.github.leaderelection.chaos;

import io.github.leaderelection.chaos.InvariantChecker.Category;
import io.github.leaderelection.chaos.InvariantChecker.Finding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders a run and its check as Markdown, and puts it into a document between markers. */
public final class ChaosReport {

  private static final long MS = 1_000_000L;

  private ChaosReport() {}

  /** The Markdown section for one run. */
  public static String render(RunRecord run, InvariantChecker.Result result, String title, String reproduce) {
    ChaosConfig cfg = run.config();
    StringBuilder md = new StringBuilder();
    md.append("#### ").append(title).append("\n\n");
    md.append(String.format(Locale.ROOT,
        "Run %s UTC on %d cores; seed **%d**, **%d faults**; wall time **%s** (%s of it injecting faults); "
            + "%d candidate processes at a time, %d over the run; LD/RD/RP %d s / %d ms / %d ms; "
            + "leader-only work %d ms every %d ms; lease `%s`.%n%n",
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").format(Instant.ofEpochMilli(run.wallStartMillis())
            .atOffset(ZoneOffset.UTC)),
        Runtime.getRuntime().availableProcessors(), cfg.seed(), run.faults().size(), minSec(run.wallMillis()),
        minSec((run.endedAt() - run.faultsStartedAt()) / MS), cfg.candidates(), run.candidates().size(),
        cfg.leaseDuration().toSeconds(), cfg.renewDeadline().toMillis(), cfg.retryPeriod().toMillis(),
        cfg.workDuration().toMillis(), cfg.workInterval().toMillis(), run.lease()));

    if (!cfg.excluded().isEmpty()) {
      md.append("Fault types left out of this run: ").append(cfg.excluded().stream().map(Enum::name).sorted()
          .toList()).append(".\n\n");
    }
    if (run.aborted() != null) {
      md.append("**Run ").append(run.aborted()).append(".** Only ").append(run.faults().size()).append(" of ")
          .append(cfg.faults()).append(" faults were injected.\n\n");
    }

    // faults by type
    Map<FaultType, List<Fault>> byType = new EnumMap<>(FaultType.class);
    for (Fault f : run.faults()) {
      byType.computeIfAbsent(f.type(), k -> new ArrayList<>()).add(f);
    }
    md.append("| fault | count | on the leader | worst recovery | mean recovery |\n");
    md.append("|---|---:|---:|---:|---:|\n");
    Fault worst = null;
    for (Map.Entry<FaultType, List<Fault>> e : byType.entrySet()) {
      List<Fault> fs = e.getValue();
      long onLeader = fs.stream().filter(Fault::targetWasLeader).count();
      long max = fs.stream().mapToLong(Fault::recoveryNanos).max().orElse(0);
      double mean = fs.stream().mapToLong(f -> Math.max(0, f.recoveryNanos())).average().orElse(0);
      for (Fault f : fs) {
        if (worst == null || recoveryKey(f) > recoveryKey(worst)) {
          worst = f;
        }
      }
      md.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %.0f ms |%n", e.getKey(), fs.size(), onLeader,
          max < 0 ? "never" : max / MS + " ms", mean / MS));
    }
    md.append(String.format(Locale.ROOT, "| **total** | **%d** | %d | | |%n%n", run.faults().size(),
        run.faults().stream().filter(Fault::targetWasLeader).count()));

    // findings
    Map<Category, List<Finding>> byCat = result.byCategory();
    int violations = result.violations().size();
    md.append("**Violations: ").append(violations).append("**");
    md.append(violations == 0 ? " (zero tolerance).\n\n"
        : " (zero tolerance: for our elector this fails the build).\n\n");
    md.append("| category | counts as violation | found | longest |\n|---|---|---:|---:|\n");
    for (Category c : Category.values()) {
      List<Finding> fs = byCat.getOrDefault(c, List.of());
      long longest = fs.stream().mapToLong(Finding::durationNanos).max().orElse(0);
      md.append(String.format(Locale.ROOT, "| %s: %s | %s | %d | %s |%n", c.name(), c.meaning(),
          c.violation() ? "yes" : "no", fs.size(), fs.isEmpty() || longest == 0 ? "-" : ms(longest)));
    }
    md.append('\n');

    // headline figures
    if (worst != null) {
      md.append("- Worst recovery (heal to a confirmed leader): **")
          .append(worst.recoveryNanos() < 0 ? "never" : worst.recoveryNanos() / MS + " ms")
          .append("** after fault ").append(worst).append(", bound ").append(worst.boundNanos() / MS)
          .append(" ms (LD + RP + ").append(cfg.recoverySlack().toMillis()).append(" ms slack).\n");
    }
    List<InvariantChecker.Gap> gaps = result.gaps();
    if (!gaps.isEmpty()) {
      InvariantChecker.Gap g = gaps.get(0);
      md.append("- Longest stretch without an acting leader: ").append(g.nanos() / MS)
          .append(" ms, after fault ").append(g.afterFault()).append(".\n");
    }
    long overran = byCat.getOrDefault(Category.OVERRAN_TERM, List.of()).size();
    long overranByFreeze = byCat.getOrDefault(Category.OVERRAN_TERM, List.of()).stream()
        .filter(f -> f.text().contains(": frozen")).count();
    md.append(String.format(Locale.ROOT, "- Acting terms: %d; leader-only executions: %d, of which %d overran "
            + "their term (%d of them because their process was frozen).%n",
        result.terms().size(), result.executions().size(), overran, overranByFreeze));
    List<Fault> unknown = run.faults().stream().filter(f -> f.type() == FaultType.UNKNOWN_LEASE_FIELD).toList();
    if (!unknown.isEmpty()) {
      md.append(String.format(Locale.ROOT, "- Unknown Lease field (`spec.futureField`, plain-HTTP hop): injected "
              + "into %d Lease bodies over %d faults (%d of them on the leader).%n",
          unknown.stream().mapToLong(f -> Math.max(0, f.injected())).sum(), unknown.size(),
          unknown.stream().filter(Fault::targetWasLeader).count()));
    }
    long minOffset = run.candidates().stream().mapToLong(CandidateLog::wallOffsetMillis).min().orElse(0);
    long maxOffset = run.candidates().stream().mapToLong(CandidateLog::wallOffsetMillis).max().orElse(0);
    md.append(String.format(Locale.ROOT, "- Wall-clock offsets of the candidates (--wall-offset-ms): %+.1f min to "
        + "%+.1f min.%n", minOffset / 60_000.0, maxOffset / 60_000.0));
    md.append("- Reproduce: `").append(reproduce).append("`\n\n");

    appendFindings(md, "ACTING_OVERLAP violations", byCat.getOrDefault(Category.ACTING_OVERLAP, List.of()), 30);
    appendFindings(md, "Other violations", result.violations().stream()
        .filter(f -> f.category() != Category.ACTING_OVERLAP).toList(), 30);
    for (Category c : List.of(Category.HOSTILE_CLEAR_OVERLAP, Category.HOSTILE_DELETE_OVERLAP,
        Category.DELETED_WHILE_FROZEN_OVERLAP, Category.EXCUSED_WORK_OVERLAP, Category.FENCING_TOKEN_RESET_BY_EDIT,
        Category.OVERRAN_TERM,
        Category.OVERRAN_OVERLAP)) {
      appendFindings(md, c.name(), byCat.getOrDefault(c, List.of()), c == Category.OVERRAN_TERM ? 10 : 5);
    }
    return md.toString();
  }

  private static long recoveryKey(Fault f) {
    return f.recoveryNanos() < 0 ? Long.MAX_VALUE : f.recoveryNanos();
  }

  private static void appendFindings(StringBuilder md, String title, List<Finding> fs, int max) {
    if (fs.isEmpty()) {
      return;
    }
    md.append("<details><summary>").append(title).append(" (").append(fs.size()).append(fs.size() > max
        ? ", first " + max : "").append(")</summary>\n\n");
    for (Finding f : fs.subList(0, Math.min(max, fs.size()))) {
      md.append("- ").append(f.category()).append(": ").append(f.text().replace("|", "/")).append('\n');
    }
    md.append("\n</details>\n\n");
  }

  /** Replaces the block between the markers of {@code key} in {@code doc} (appends it if absent). */
  public static void writeInto(Path doc, String key, String section) {
    String begin = "<!-- chaos-report:" + key + ":begin -->";
    String end = "<!-- chaos-report:" + key + ":end -->";
    try {
      String text = Files.exists(doc) ? Files.readString(doc) : "";
      String block = begin + "\n" + section.strip() + "\n" + end;
      int b = text.indexOf(begin);
      int e = text.indexOf(end);
      if (b >= 0 && e > b) {
        text = text.substring(0, b) + block + text.substring(e + end.length());
      } else {
        text = text + (text.isEmpty() || text.endsWith("\n") ? "" : "\n") + "\n" + block + "\n";
      }
      Path parent = doc.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(doc, text);
    } catch (IOException ex) {
      throw new UncheckedIOException("could not write the report into " + doc, ex);
    }
  }

  private static String minSec(long millis) {
    return String.format(Locale.ROOT, "%d min %02d s", millis / 60_000, (millis / 1000) % 60);
  }

  private static String ms(long nanos) {
    return InvariantChecker.ms(nanos);
  }
}
