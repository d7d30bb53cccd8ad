package io.github.leaderelection.candidate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The lines of PROTOCOL.md's table, as the runners parse them. */
class ReportTest {

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final Report report = new Report(new PrintStream(bytes, false, StandardCharsets.UTF_8));

  @Test
  void eachLineHasItsTypeItsTimeAndItsFields() {
    assertLine(r -> r.elected("42"), "ELECTED", "42");
    assertLine(r -> r.elected("-1"), "ELECTED", "-1");
    assertLine(r -> r.lost("DEADLINE_PASSED"), "LOST", "DEADLINE_PASSED");
    assertLine(r -> r.workStart(7, "42"), "WORK_START", "7", "42");
    assertLine(r -> r.workEnd(7), "WORK_END", "7");
    assertLine(Report::closed, "CLOSED");
    assertLine(r -> r.command("STEP_DOWN"), "COMMAND", "STEP_DOWN", "ok");
    assertLine(r -> r.unsupported("SLOW_LOST"), "UNSUPPORTED", "SLOW_LOST");
    assertLine(r -> r.stepDownDone("true"), "STEP_DOWN_DONE", "true");
  }

  @Test
  void renewedCarriesTheSendTimeItIsGiven() {
    report.renewed(123_456_789L);

    assertThat(output()).isEqualTo("RENEWED 123456789" + System.lineSeparator());
  }

  @Test
  void readyNamesTheIdentityAndThisProcess() {
    report.ready("cand-0-1");

    assertThat(output()).isEqualTo("READY cand-0-1 " + ProcessHandle.current().pid() + System.lineSeparator());
  }

  @Test
  void aLineOfOwnFieldsIsJoinedByOneSpace() {
    report.line("WORK_CHECK", "5", "9");

    assertThat(output()).isEqualTo("WORK_CHECK 5 9" + System.lineSeparator());
  }

  @Test
  void eachLineIsFlushedAtOnce() {
    ByteArrayOutputStream unbuffered = new ByteArrayOutputStream();
    // Buffered without autoflush: only Report's own flush can get the line through.
    PrintStream buffered = new PrintStream(new java.io.BufferedOutputStream(unbuffered, 8192), false,
        StandardCharsets.UTF_8);
    new Report(buffered).closed();

    assertThat(unbuffered.toString(StandardCharsets.UTF_8)).startsWith("CLOSED ");
  }

  @Test
  void linesFromSeveralThreadsNeverInterleave() throws InterruptedException {
    int threads = 8;
    int perThread = 500;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String who = "t" + t;
      Thread thread = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < perThread; i++) {
          report.line("NEW_LEADER", who, "x".repeat(200));
        }
      });
      thread.start();
      started.add(thread);
    }
    start.countDown();
    for (Thread thread : started) {
      thread.join();
    }

    List<String> lines = output().lines().toList();
    assertThat(lines).hasSize(threads * perThread)
        .allMatch(l -> l.matches("NEW_LEADER t\\d x{200}"));
  }

  @Test
  void theLinesOfOneLeaseOfSeveralArePrefixedWithIt() {
    Report lease = report.forLease("orders-3");

    lease.renewed(123L);
    lease.line("ACQUIRED", "5", "7", "4");
    report.closed();

    List<String> lines = output().lines().toList();
    assertThat(lines.get(0)).isEqualTo("@orders-3 RENEWED 123");
    assertThat(lines.get(1)).isEqualTo("@orders-3 ACQUIRED 5 7 4");
    assertThat(lines.get(2)).startsWith("CLOSED ").doesNotContain("@");
  }

  @Test
  void aLeaseLineIsTheSingleLeaseLineAfterItsPrefix() {
    Report lease = report.forLease("b-0");
    assertPrefixedLine(r -> lease.elected("42"), "@b-0", "ELECTED", "42");
    assertPrefixedLine(r -> lease.lost("RENEW_FAILED"), "@b-0", "LOST", "RENEW_FAILED");
    assertPrefixedLine(r -> lease.workStart(7, "-1"), "@b-0", "WORK_START", "7", "-1");
    assertPrefixedLine(r -> lease.workEnd(7), "@b-0", "WORK_END", "7");
    assertPrefixedLine(r -> lease.command("STEP_DOWN"), "@b-0", "COMMAND", "STEP_DOWN", "ok");
    assertPrefixedLine(r -> lease.unsupported("SLOW_LOST"), "@b-0", "UNSUPPORTED", "SLOW_LOST");
    assertPrefixedLine(r -> lease.stepDownDone("false"), "@b-0", "STEP_DOWN_DONE", "false");
  }

  @Test
  void aLeaseNameWithASpaceWouldBreakTheFieldsAndIsRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> report.forLease("a b"))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> report.forLease(""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void linesOfSeveralLeasesFromSeveralThreadsNeverInterleave() throws InterruptedException {
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < 6; t++) {
      Report lease = report.forLease("l-" + t);
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 300; i++) {
          lease.line("NEW_LEADER", "x".repeat(300));
        }
      });
      thread.start();
      started.add(thread);
    }
    for (Thread thread : started) {
      thread.join();
    }

    assertThat(output().lines().toList()).hasSize(6 * 300).allMatch(l -> l.matches("@l-\\d NEW_LEADER x{300}"));
  }

  private void assertPrefixedLine(Consumer<Report> print, String prefix, String type, String... fields) {
    bytes.reset();
    long before = System.nanoTime();
    print.accept(report);
    long after = System.nanoTime();

    String out = output();
    String[] words = out.substring(0, out.length() - System.lineSeparator().length()).split(" ", -1);
    assertThat(words[0]).isEqualTo(prefix);
    assertThat(words[1]).isEqualTo(type);
    assertThat(Long.parseLong(words[2])).isBetween(before, after);
    assertThat(List.of(words).subList(3, words.length)).containsExactly(fields);
  }

  private void assertLine(Consumer<Report> print, String type, String... fields) {
    bytes.reset();
    long before = System.nanoTime();
    print.accept(report);
    long after = System.nanoTime();

    String out = output();
    assertThat(out).endsWith(System.lineSeparator());
    String[] words = out.substring(0, out.length() - System.lineSeparator().length()).split(" ", -1);
    assertThat(words[0]).isEqualTo(type);
    // The time field: this process's System.nanoTime() when the line was printed.
    assertThat(Long.parseLong(words[1])).isBetween(before, after);
    assertThat(List.of(words).subList(2, words.length)).containsExactly(fields);
  }

  private String output() {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
