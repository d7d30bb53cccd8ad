package io.github.leaderelection.chaos;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Saves what a run did to the candidates ({@code run.tsv}, next to {@code transcript.txt}) and
 * reads both back into a {@link RunRecord}, so a finished run can be checked again (after a
 * change to the checker) without running it again: see {@link Recheck}.
 */
public final class RunArchive {

  static final String FILE = "run.tsv";

  private RunArchive() {}

  /** Writes {@code run.tsv} into the run directory. */
  public static void write(RunRecord run) {
    ChaosConfig c = run.config();
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(run.runDirectory().resolve(FILE),
        StandardCharsets.UTF_8))) {
      row(out, "config", c.implementation(), c.traced(), c.wallOffsets(), c.candidates(), c.leaseDuration().toMillis(),
          c.renewDeadline().toMillis(), c.retryPeriod().toMillis(), c.seed(), c.faults(), c.workInterval().toMillis(),
          c.workDuration().toMillis(), c.recoverySlack().toMillis(),
          String.join(",", c.excluded().stream().map(Enum::name).sorted().toList()), c.stepDownCooldown().toMillis(),
          c.shutdownTimeout().toMillis(), c.httpHop());
      row(out, "run", run.lease(), run.startedAt(), run.firstLeaderAt(), run.faultsStartedAt(), run.endedAt(),
          run.wallMillis(), run.aborted() == null ? "" : run.aborted(), run.wallStartMillis());
      for (CandidateLog l : run.candidates()) {
        row(out, "candidate", l.identity(), l.slot(), l.spawnedAt(), l.wallOffsetMillis(), l.pid(), l.killedAt(),
            l.exitedAt());
      }
      for (Fault f : run.faults()) {
        row(out, "fault", f.id(), f.type(), f.startedAt(), f.target(), f.targetWasLeader(), f.leaderAtStart(),
            f.healedAt(), f.boundNanos(), f.recoveredAt(), f.recoveryNeededWrite(), f.detail().replace('\t', ' '),
            f.injected());
        for (Fault.LeaseEdit e : f.edits()) {
          row(out, "edit", f.id(), e.what(), e.sentAt(), e.ackAt(), e.holderBefore());
        }
        for (Fault.Freeze z : f.freezes()) {
          row(out, "freeze", f.id(), z.identity(), z.stoppedAt(), z.continuedAt());
        }
        for (String s : f.spawned()) {
          row(out, "spawned", f.id(), s);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + FILE, e);
    }
  }

  /** Reads a run directory written by {@link ChaosRunner} and {@link #write}. */
  public static RunRecord read(Path dir) {
    ChaosConfig config = null;
    String lease = "?";
    String aborted = null;
    long[] times = new long[5];
    long wallStart = 0;
    Map<String, CandidateLog> candidates = new LinkedHashMap<>();
    Map<Integer, Fault> faults = new LinkedHashMap<>();
    try (BufferedReader in = Files.newBufferedReader(dir.resolve(FILE), StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        String[] f = line.split("\t", -1);
        switch (f[0]) {
          case "config" -> config = new ChaosConfig(f[1], "", "", Boolean.parseBoolean(f[2]), Boolean.parseBoolean(f[3]),
              Integer.parseInt(f[4]), Duration.ofMillis(Long.parseLong(f[5])), Duration.ofMillis(Long.parseLong(f[6])),
              Duration.ofMillis(Long.parseLong(f[7])), Long.parseLong(f[8]), Integer.parseInt(f[9]),
              Duration.ofMillis(Long.parseLong(f[10])), Duration.ofMillis(Long.parseLong(f[11])),
              Duration.ofMillis(Long.parseLong(f[12])), dir, excluded(f.length > 13 ? f[13] : ""),
              // Older files: the elector's defaults then (cool-down LD, shutdown timeout RD), TLS.
              Duration.ofMillis(f.length > 14 ? Long.parseLong(f[14]) : Long.parseLong(f[5])),
              Duration.ofMillis(f.length > 15 ? Long.parseLong(f[15]) : Long.parseLong(f[6])),
              f.length > 16 && Boolean.parseBoolean(f[16]), List.of());
          case "run" -> {
            lease = f[1];
            for (int i = 0; i < 5; i++) {
              times[i] = Long.parseLong(f[2 + i]);
            }
            aborted = f.length > 7 && !f[7].isEmpty() ? f[7] : null;
            // Older files lack the start: the transcript's last change is close enough.
            wallStart = f.length > 8 ? Long.parseLong(f[8])
                : Files.getLastModifiedTime(dir.resolve("transcript.txt")).toMillis() - times[4];
          }
          case "candidate" -> {
            CandidateLog l = new CandidateLog(f[1], Integer.parseInt(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]));
            l.pid(Long.parseLong(f[5]));
            if (Long.parseLong(f[6]) != Long.MIN_VALUE) {
              l.killedAt(Long.parseLong(f[6]));
            }
            l.exitedAt(Long.parseLong(f[7]));
            candidates.put(l.identity(), l);
          }
          case "fault" -> {
            Fault x = new Fault(Integer.parseInt(f[1]), FaultType.valueOf(f[2]), Long.parseLong(f[3]));
            x.target(f[4], Boolean.parseBoolean(f[5])).leaderAtStart(f[6]).detail(f[11]);
            x.healedAt(Long.parseLong(f[7]));
            x.boundNanos(Long.parseLong(f[8]));
            x.recoveredAt(Long.parseLong(f[9]), Boolean.parseBoolean(f[10]));
            if (f.length > 12) {
              x.injected(Long.parseLong(f[12]));
            }
            faults.put(x.id(), x);
          }
          case "edit" -> faults.get(Integer.parseInt(f[1])).edit(
              new Fault.LeaseEdit(f[2], Long.parseLong(f[3]), Long.parseLong(f[4]), f[5]));
          case "freeze" -> faults.get(Integer.parseInt(f[1])).freeze(
              new Fault.Freeze(f[2], Long.parseLong(f[3]), Long.parseLong(f[4])));
          case "spawned" -> faults.get(Integer.parseInt(f[1])).spawned(f[2]);
          default -> throw new IllegalStateException("unknown row in " + FILE + ": " + line);
        }
      }
      try (BufferedReader t = Files.newBufferedReader(dir.resolve("transcript.txt"), StandardCharsets.UTF_8)) {
        while ((line = t.readLine()) != null) {
          String[] w = line.split(" ", 3);
          if (w.length < 3 || w[2].startsWith("#")) {
            continue;
          }
          CandidateLog l = candidates.get(w[1]);
          if (l != null) {
            l.add(Event.parse(w[2], Long.parseLong(w[0])));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the run in " + dir, e);
    }
    if (config == null) {
      throw new IllegalStateException("no config row in " + dir.resolve(FILE));
    }
    return new RunRecord(config, lease, times[0], times[1], times[2], times[3], times[4], wallStart,
        List.copyOf(candidates.values()), new ArrayList<>(faults.values()), dir, aborted);
  }

  private static java.util.Set<FaultType> excluded(String list) {
    java.util.Set<FaultType> out = new java.util.HashSet<>();
    for (String s : list.split(",")) {
      if (!s.isBlank()) {
        out.add(FaultType.valueOf(s.trim()));
      }
    }
    return out;
  }

  private static void row(PrintWriter out, Object... fields) {
    StringBuilder sb = new StringBuilder();
    for (Object o : fields) {
      if (sb.length() > 0) {
        sb.append('\t');
      }
      sb.append(o);
    }
    out.println(sb);
  }
}
