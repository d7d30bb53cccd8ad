package io.github.leaderelection.candidate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StdinCommandsTest {

  private final List<List<String>> commands = new CopyOnWriteArrayList<>();
  private final CountDownLatch ended = new CountDownLatch(1);

  @Test
  void passesEachCommandAsItsWordsAndSkipsBlankLines() throws InterruptedException {
    run(stdin("STEP_DOWN\n\n   \n  SLOW_LOST   2500 \r\nSLOW_LOST\t0\n"), words -> commands.add(List.of(words)));

    assertThat(commands).containsExactly(List.of("STEP_DOWN"), List.of("SLOW_LOST", "2500"), List.of("SLOW_LOST", "0"));
  }

  @Test
  void theEndOfStdinEndsTheWatcher() throws InterruptedException {
    Thread watcher = run(stdin(""), words -> commands.add(List.of(words)));

    assertThat(commands).isEmpty();
    assertThat(watcher.isDaemon()).isTrue();
    assertThat(watcher.getName()).isEqualTo("candidate-stdin");
  }

  @Test
  void aReadErrorCountsAsTheEnd() throws InterruptedException {
    InputStream failing = new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("stdin gone");
      }
    };

    run(failing, words -> commands.add(List.of(words)));

    assertThat(commands).isEmpty();
  }

  @Test
  void aFailingCommandCountsAsTheEnd() throws InterruptedException {
    run(stdin("SLOW_LOST x\nSTEP_DOWN\n"), words -> {
      commands.add(List.of(words));
      Long.parseLong(words[1]);
    });

    assertThat(commands).containsExactly(List.of("SLOW_LOST", "x"));
  }

  @Test
  void allUnsupportedAnswersEachCommandByItsName() throws InterruptedException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Report report = new Report(new PrintStream(out, true, StandardCharsets.UTF_8));

    run(stdin("STEP_DOWN\nSLOW_LOST 100\n"), StdinCommands.allUnsupported(report));

    assertThat(out.toString(StandardCharsets.UTF_8).lines().toList())
        .hasSize(2)
        .satisfiesExactly(
            l -> assertThat(l).matches("UNSUPPORTED \\d+ STEP_DOWN"),
            l -> assertThat(l).matches("UNSUPPORTED \\d+ SLOW_LOST"));
  }

  private Thread run(InputStream in, java.util.function.Consumer<String[]> command) throws InterruptedException {
    Thread watcher = StdinCommands.watcher(in, command, ended::countDown);
    watcher.start();
    assertThat(ended.await(10, TimeUnit.SECONDS)).as("the watcher reached the end of stdin").isTrue();
    return watcher;
  }

  private static InputStream stdin(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aPrefixedCommandGoesToItsLeaseAloneAndAPlainOneToEveryLease() {
    List<String> seen = new CopyOnWriteArrayList<>();
    java.util.Map<String, java.util.function.Consumer<String[]>> byLease = new java.util.LinkedHashMap<>();
    byLease.put("l-0", w -> seen.add("l-0:" + String.join(" ", w)));
    byLease.put("l-1", w -> seen.add("l-1:" + String.join(" ", w)));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Report process = new Report(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    var route = StdinCommands.perLease(byLease, process);

    route.accept(new String[] {"@l-1", "SLOW_LOST", "2500"});
    route.accept(new String[] {"STEP_DOWN"});
    route.accept(new String[] {"@l-9", "STEP_DOWN"});
    route.accept(new String[] {"@l-0"});

    assertThat(seen).containsExactly("l-1:SLOW_LOST 2500", "l-0:STEP_DOWN", "l-1:STEP_DOWN");
    List<String> answers = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(answers).hasSize(2);
    assertThat(answers.get(0)).matches("UNSUPPORTED \\d+ @l-9");
    assertThat(answers.get(1)).matches("UNSUPPORTED \\d+ @l-0");
  }
}
