package io.github.leaderelection.benchmarks;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The raw samples of a run, one CSV row each, written (and flushed) as they are taken so a
 * run that stops half-way still has them; {@link #read(Path)} reads them back for rendering.
 */
final class Results implements AutoCloseable {

  static final String FILE = "samples.csv";
  private static final String HEADER = "impl,profile,scenario,n,trial,metric,value,note";

  /** One sample. {@code n} is the number of candidates, {@code trial} 0 where not a trial. */
  record Row(String impl, String profile, String scenario, int n, int trial, String metric, double value,
      String note) {}

  private final BufferedWriter out;
  private final List<Row> rows = new ArrayList<>();

  Results(Path dir) {
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(FILE);
      boolean fresh = !Files.exists(file);
      out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      if (fresh) {
        out.write(HEADER);
        out.newLine();
        out.flush();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  synchronized void add(Impl impl, Profile profile, String scenario, int n, int trial, String metric, double value,
      String note) {
    add(impl.id, profile.name(), scenario, n, trial, metric, value, note);
  }

  /** A row of no implementation (e.g. {@code "none"}: the idle API server). */
  synchronized void add(String impl, String profile, String scenario, int n, int trial, String metric, double value,
      String note) {
    Row row = new Row(impl, profile, scenario, n, trial, metric, value, note == null ? "" : note);
    rows.add(row);
    try {
      out.write(String.join(",", row.impl(), row.profile(), row.scenario(), Integer.toString(n),
          Integer.toString(trial), metric, String.format(Locale.ROOT, "%.3f", value), clean(row.note())));
      out.newLine();
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  synchronized void add(Impl impl, Profile profile, String scenario, int n, int trial, String metric, double value) {
    add(impl, profile, scenario, n, trial, metric, value, "");
  }

  synchronized List<Row> rows() {
    return List.copyOf(rows);
  }

  private static String clean(String note) {
    return note.replace(',', ';').replace('\n', ' ').replace('\r', ' ');
  }

  static List<Row> read(Path dir) {
    List<Row> rows = new ArrayList<>();
    try {
      List<String> lines = Files.readAllLines(dir.resolve(FILE));
      for (String line : lines.subList(1, lines.size())) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split(",", 8);
        rows.add(new Row(f[0], f[1], f[2], Integer.parseInt(f[3]), Integer.parseInt(f[4]), f[5],
            Double.parseDouble(f[6]), f.length > 7 ? f[7] : ""));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + dir.resolve(FILE), e);
    }
    return rows;
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
