package io.github.leaderelection.candidate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class LeaderOnlyWorkTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final Report report = new Report(new PrintStream(out, true, StandardCharsets.UTF_8));

  @Test
  void withoutAWorkIntervalThereIsNoWork() throws InterruptedException {
    LeaderOnlyWork.run(() -> true, args("0"), report);

    assertThat(out.size()).isZero();
  }

  @Test
  void worksOnlyWhileLeadingAndNumbersTheExecutions() throws Exception {
    AtomicBoolean leading = new AtomicBoolean();
    Thread worker = new Thread(() -> {
      try {
        LeaderOnlyWork.run(leading::get, args("10"), report);
      } catch (InterruptedException e) {
        // stopped by the test
      }
    });
    worker.start();
    Thread.sleep(200);
    assertThat(out.size()).as("no work as a follower").isZero();

    leading.set(true);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (lines().stream().filter(l -> l.startsWith("WORK_END")).count() < 3 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    worker.interrupt();
    worker.join();

    List<String> lines = lines();
    assertThat(lines.get(0)).matches("WORK_START \\d+ 1 -1");
    assertThat(lines.get(1)).matches("WORK_END \\d+ 1");
    assertThat(lines.get(2)).matches("WORK_START \\d+ 2 -1");
    assertThat(lines.get(3)).matches("WORK_END \\d+ 2");
  }

  private List<String> lines() {
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private static CandidateArgs args(String workIntervalMs) {
    return CandidateArgs.parse(new String[] {"--kubeconfig", "k", "--namespace", "n", "--lease", "l",
        "--identity", "i", "--lease-duration", "15", "--renew-deadline", "10000", "--retry-period", "2000",
        "--work-interval-ms", workIntervalMs, "--work-duration-ms", "5"});
  }
}
