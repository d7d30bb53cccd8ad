package io.github.leaderelection.spring.election;

import static io.github.leaderelection.spring.TestRunners.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.github.leaderelection.spring.TestRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

/** An unknown leader.election.mode, and what startup logs about waiting. */
@ExtendWith(OutputCaptureExtension.class)
class ModeAndStartupLogTests {

  @Test
  void unknownModeNamesThePropertyTheValueAndTheDocumentedValues() {
    runner().withPropertyValues("leader.election.mode=bogus").run(context -> {
      assertThat(context).hasFailed();
      FailureAnalysis analysis = TestRunners.analyze(context.getStartupFailure());
      assertThat(analysis.getDescription()).contains("leader.election.mode", "bogus")
          .doesNotContain("No enum constant");
      assertThat(analysis.getAction()).contains("auto", "kubernetes", "always-leader", "never-leader")
          .doesNotContain("ALWAYS_LEADER");
    });
  }

  @Test
  void unknownModeFailsTheApplicationWithOurAnalysisNotSpringsGenericOne(CapturedOutput output) {
    SpringApplicationBuilder app = new SpringApplicationBuilder(Election.class).web(WebApplicationType.NONE)
        .properties("spring.application.name=orders", "leader.election.mode=bogus",
            "spring.main.cloud-platform=none", "KUBECONFIG=", "KUBERNETES_SERVICE_HOST=");
    assertThatThrownBy(app::run).isNotNull();
    assertThat(output).contains("leader.election.mode", "bogus",
        "auto, kubernetes, always-leader, never-leader").doesNotContain("No enum constant");
  }

  @Test
  void alwaysLeaderWithoutAwaitLeadershipDoesNotClaimToWaitUpTo60s(CapturedOutput output) {
    withInfo(() -> runner().withPropertyValues("leader.election.mode=always-leader",
        "leader.election.await-leadership=false").run(context -> assertThat(context).hasNotFailed()));
    assertThat(output).doesNotContain("Waiting up to 60s");
    assertThat(output).contains("always-leader").contains("test/orders");
  }

  @Test
  void awaitLeadershipSaysHowLongItWaits(CapturedOutput output) {
    withInfo(() -> runner().withPropertyValues("leader.election.mode=always-leader",
        "leader.election.await-leadership=true", "leader.election.await-timeout=30s")
        .run(context -> assertThat(context).hasNotFailed()));
    assertThat(output).contains("Waiting up to 30s for leadership of lease test/orders");
  }

  private static void withInfo(Runnable r) {
    Logger logger = (Logger) LoggerFactory.getLogger(LeaderElectionLifecycle.class);
    Level level = logger.getLevel();
    logger.setLevel(Level.INFO);
    try {
      r.run();
    } finally {
      logger.setLevel(level);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration(LeaderElectionAutoConfiguration.class)
  static class Election {}
}
