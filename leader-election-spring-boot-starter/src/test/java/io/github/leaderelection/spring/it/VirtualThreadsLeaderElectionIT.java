package io.github.leaderelection.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * {@link LeaderElectionIT}'s election and handovers on the real API server, with
 * {@code spring.threads.virtual.enabled=true}: the elector's threads (and Boot's scheduler,
 * which runs the {@code @LeaderOnly} job) are virtual. Needs Java 21 or later, so its tests
 * skip on the Java 17 of the plain build; {@code .ci/run} runs this class on Java 25 and fails
 * if they skip.
 */
class VirtualThreadsLeaderElectionIT extends LeaderElectionIT {

  /** Per test rather than per class, so that the skip shows in the reports' counts. */
  @BeforeEach
  void virtualThreadsNeedJava21() {
    // Never a skip: this class runs only when asked for (-Dit.test, as .ci/run does on Java 25).
    assertThat(javaWithVirtualThreads())
        .as("virtual threads need Java 21 or later (this is " + Runtime.version() + "); .ci/run runs this class on Java 25")
        .isTrue();
  }

  @Override
  List<String> extraProperties() {
    return List.of("spring.threads.virtual.enabled=true");
  }

  /** Thread.isVirtual() is Java 21 API and the tests are Java 17 bytecode: the description tells. */
  @AfterEach
  void everyEventAndLeaderOnlyRunWasOnAVirtualThread() {
    assertThat(recorder.threads).isNotEmpty().allSatisfy(thread -> assertThat(thread).startsWith("VirtualThread["));
  }

  private static boolean javaWithVirtualThreads() {
    return Runtime.version().feature() >= 21;
  }
}
