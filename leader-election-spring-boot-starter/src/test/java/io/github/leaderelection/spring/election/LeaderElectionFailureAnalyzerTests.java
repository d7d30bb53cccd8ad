package io.github.leaderelection.spring.election;

import static io.github.leaderelection.spring.TestRunners.analyze;
import static io.github.leaderelection.spring.TestRunners.runner;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.leaderelection.core.InvalidElectionConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

/** Invalid values stop startup with a message naming the property, its value and the rule. */
@ExtendWith(OutputCaptureExtension.class)
class LeaderElectionFailureAnalyzerTests {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      leader.election.renew-deadline=15s        | leader.election.renew-deadline   | 15s     | must be less than leader.election.lease-duration (15s)
      leader.election.lease-duration=5s         | leader.election.renew-deadline   | 10s     | must be less than leader.election.lease-duration (5s)
      leader.election.retry-period=9s           | leader.election.retry-period     | 9s      | must be less than leader.election.renew-deadline / 1.2
      leader.election.lease-duration=15500ms    | leader.election.lease-duration   | 15500ms | must be a whole number of seconds
      leader.election.request-timeout=10s       | leader.election.request-timeout  | 10s     | must be less than leader.election.renew-deadline (10s)
      leader.election.retry-period=0s           | leader.election.retry-period     | 0s      | must be positive
      leader.election.step-down-cooldown=-1s    | leader.election.step-down-cooldown | -1s   | must not be negative
      leader.election.shutdown-timeout=-1s      | leader.election.shutdown-timeout | -1s     | must not be negative
      leader.election.lease-name=Orders_Job     | leader.election.lease-name       | "Orders_Job" | must be a DNS-1123 subdomain
      leader.election.namespace=My.Namespace    | leader.election.namespace        | "My.Namespace" | must be a DNS-1123 label
      leader.election.identity=                 | leader.election.identity         | ""      | must not be empty
      leader.election.await-timeout=0s          | leader.election.await-timeout    | 0s      | must be positive
      """)
  void invalidValueNamesTheProperty(String setting, String property, String value, String rule) {
    runner().withPropertyValues(setting, "leader.election.mode=always-leader", "leader.election.await-leadership=true")
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).rootCause().isInstanceOf(InvalidElectionConfigException.class);
          FailureAnalysis analysis = analyze(context.getStartupFailure());
          assertThat(analysis.getDescription())
              .contains("Property: " + property)
              .contains("Value: " + value)
              .contains("Rule: " + rule);
          assertThat(analysis.getAction()).contains(property);
        });
  }

  @Test
  void missingLeaseNameAndApplicationName() {
    // On Kubernetes only: the local modes default the name (see LeaderElectionAutoConfigurationTests).
    runner().withPropertyValues("spring.application.name=", "leader.election.mode=kubernetes").run(context -> {
      FailureAnalysis analysis = analyze(context.getStartupFailure());
      assertThat(analysis.getDescription()).contains("Property: leader.election.lease-name", "Value: (not set)",
          "spring.application.name");
      assertThat(analysis.getAction()).contains("Set leader.election.lease-name", "spring.application.name");
    });
  }

  @Test
  void awaitLeadershipWithNeverLeader() {
    runner().withPropertyValues("leader.election.mode=never-leader", "leader.election.await-leadership=true")
        .run(context -> {
          FailureAnalysis analysis = analyze(context.getStartupFailure());
          assertThat(analysis.getDescription()).contains("Property: leader.election.await-leadership",
              "Value: true", "never-leader");
          assertThat(analysis.getAction()).contains("leader.election.await-leadership=false");
        });
  }

  @Test
  void unreadableKubeconfig() {
    runner().withPropertyValues("leader.election.kubeconfig=/no/such/kubeconfig").run(context -> {
      FailureAnalysis analysis = analyze(context.getStartupFailure());
      assertThat(analysis.getDescription()).contains("Property: leader.election.kubeconfig",
          "Value: \"/no/such/kubeconfig\"", "must name a readable kubeconfig file");
      assertThat(analysis.getAction()).contains("leader.election.kubeconfig");
    });
  }

  @Test
  void kebabCase() {
    assertThat(InvalidElectionConfigFailureAnalyzer.kebab("renewDeadline")).isEqualTo("renew-deadline");
    assertThat(InvalidElectionConfigFailureAnalyzer.kebab("namespace")).isEqualTo("namespace");
    assertThat(InvalidElectionConfigFailureAnalyzer.kebab("stepDownCooldown")).isEqualTo("step-down-cooldown");
  }

  /** End to end: a real SpringApplication reports the analysis instead of a stack trace. */
  @Test
  void springApplicationReportsTheProperty(CapturedOutput output) {
    SpringApplication app = new SpringApplication(App.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    app.setDefaultProperties(java.util.Map.of("spring.main.cloud-platform", "none", "KUBECONFIG", "",
        "leader.election.mode", "always-leader"));
    try {
      app.run("--leader.election.lease-name=orders", "--leader.election.renew-deadline=20s");
    } catch (RuntimeException expected) {
      // reported below
    }
    assertThat(output).contains("APPLICATION FAILED TO START")
        .contains("Property: leader.election.renew-deadline")
        .contains("Value: 20s")
        .contains("Rule: must be less than leader.election.lease-duration (15s)")
        .contains("Choose timings with leader.election.lease-duration > leader.election.renew-deadline");
  }

  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class App {}
}
