package io.github.leaderelection.spring.election;

import static io.github.leaderelection.spring.TestRunners.runner;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ContextConsumer;

/**
 * A worker without a web server: the elector's threads are daemons, so without a non-daemon
 * thread the JVM would exit as soon as {@code main()} returns. The runner's context is not a
 * web server context, as with {@code WebApplicationType.NONE}.
 */
class LeaderElectionKeepAliveTests {

  /** Its own lease name: cached test contexts of other classes may have keep-alive threads of theirs. */
  private static final String NAME = "spring.application.name=keep-alive-test";

  @Test
  void nonDaemonThreadWhileCompetingWithoutAWebServerAndNoneAfterClose() {
    runner().withPropertyValues(NAME, "leader.election.mode=always-leader").run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(keepAliveThreads()).as("non-daemon keep-alive threads while running").hasSize(1);
      context.stop();
      assertThat(keepAliveThreads()).as("none while stopped").isEmpty();
      context.start();
      assertThat(keepAliveThreads()).as("one again after a restart").hasSize(1);
    });
    assertThat(keepAliveThreads()).as("none after close").isEmpty();
  }

  @Test
  void noneWhenSpringBootKeepsTheJvmAliveOrTheApplicationOptedOut() {
    ContextConsumer<AssertableApplicationContext> none = context -> {
      assertThat(context).hasNotFailed();
      assertThat(keepAliveThreads()).isEmpty();
    };
    // spring.main.keep-alive=true: SpringApplication's own keep-alive thread does it.
    runner().withPropertyValues(NAME, "leader.election.mode=always-leader", "spring.main.keep-alive=true").run(none);
    // spring.main.keep-alive=false, set explicitly: the application wants main() to end the JVM.
    runner().withPropertyValues(NAME, "leader.election.mode=always-leader", "spring.main.keep-alive=false").run(none);
    // never-leader does not compete: nothing to keep alive for.
    runner().withPropertyValues(NAME, "leader.election.mode=never-leader").run(none);
  }

  static List<Thread> keepAliveThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !t.isDaemon() && t.getName().equals("leader-election-keep-alive-keep-alive-test"))
        .toList();
  }
}
