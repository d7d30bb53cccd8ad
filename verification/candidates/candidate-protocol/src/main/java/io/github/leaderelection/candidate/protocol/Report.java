package io.github.leaderelection.candidate.protocol;

import java.io.PrintStream;

/**
 * The lines of ../PROTOCOL.md on stdout: fields separated by one space, one whole line at a
 * time (calls from several threads never interleave), flushed at once so the runner reads each
 * line when it happens. Times are {@link System#nanoTime()}, taken when the line is printed.
 */
public final class Report {

  private final PrintStream out;
  /** {@code @<lease> } for the lines of one lease of several, else empty. */
  private final String prefix;
  /** Shared by the reports of one stream, so that their lines never interleave. */
  private final Object lock;

  /** Lines to {@link System#out}. */
  public Report() {
    this(System.out);
  }

  /** Lines to {@code out}. */
  public Report(PrintStream out) {
    this(out, "", new Object());
  }

  private Report(PrintStream out, String prefix, Object lock) {
    this.out = out;
    this.prefix = prefix;
    this.lock = lock;
  }

  /**
   * The lines of {@code lease}, one of several elections of this process ({@code --leases}):
   * the same stream, each line prefixed with {@code @<lease>} and one space (../PROTOCOL.md,
   * "Several leases"). Lines of the process as a whole ({@code READY}, {@code CLOSED}) stay on
   * the unprefixed report.
   */
  public Report forLease(String lease) {
    if (lease.isEmpty() || lease.contains(" ")) {
      throw new IllegalArgumentException("not a lease name: \"" + lease + "\"");
    }
    return new Report(out, "@" + lease + " ", lock);
  }

  /** One line of {@code fields}; for the lines of one program (the chaos suite's trace lines). */
  public void line(String... fields) {
    String text = prefix + String.join(" ", fields);
    synchronized (lock) {
      out.println(text);
      out.flush();
    }
  }

  /** The protocol's clock, as a field. */
  public static String now() {
    return Long.toString(System.nanoTime());
  }

  /** {@code READY <identity> <pid>}, with this process's pid. */
  public void ready(String identity) {
    line("READY", identity, Long.toString(ProcessHandle.current().pid()));
  }

  /** {@code ELECTED <nanos> <fencingToken>} ({@code -1}: the implementation has no token). */
  public void elected(String fencingToken) {
    line("ELECTED", now(), fencingToken);
  }

  /** {@code RENEWED <sentAtNanos>}. */
  public void renewed(long sentAtNanos) {
    line("RENEWED", Long.toString(sentAtNanos));
  }

  /** {@code LOST <nanos> <reason>}. */
  public void lost(String reason) {
    line("LOST", now(), reason);
  }

  /** {@code WORK_START <nanos> <seq> <fencingToken>}. */
  public void workStart(long seq, String fencingToken) {
    line("WORK_START", now(), Long.toString(seq), fencingToken);
  }

  /** {@code WORK_END <nanos> <seq>}. */
  public void workEnd(long seq) {
    line("WORK_END", now(), Long.toString(seq));
  }

  /** {@code CLOSED <nanos>}. */
  public void closed() {
    line("CLOSED", now());
  }

  /** {@code COMMAND <nanos> <name> ok}: the stdin command {@code name} was applied. */
  public void command(String name) {
    line("COMMAND", now(), name, "ok");
  }

  /** {@code UNSUPPORTED <nanos> <name>}: this program cannot carry out the stdin command {@code name}. */
  public void unsupported(String name) {
    line("UNSUPPORTED", now(), name);
  }

  /** {@code STEP_DOWN_DONE <nanos> <released>} ({@code true}, {@code false} or {@code error}). */
  public void stepDownDone(String released) {
    line("STEP_DOWN_DONE", now(), released);
  }
}
