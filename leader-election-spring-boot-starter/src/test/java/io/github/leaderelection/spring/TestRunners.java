package io.github.leaderelection.spring;

import io.github.leaderelection.spring.election.LeaderElectionAutoConfiguration;
import io.github.leaderelection.spring.leaderonly.LeaderOnlyAutoConfiguration;
import java.util.List;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.support.SpringFactoriesLoader;

/** Shared setup of the context-runner tests. */
public final class TestRunners {

  private TestRunners() {}

  /**
   * The starter's auto-configurations, in an environment that looks like a laptop whatever
   * the machine running the tests: no cloud platform, no KUBECONFIG, not in a cluster.
   */
  public static ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(LeaderElectionAutoConfiguration.class,
            LeaderOnlyAutoConfiguration.class))
        .withPropertyValues("spring.application.name=orders", "leader.election.namespace=test",
            "spring.main.cloud-platform=none", "KUBECONFIG=", "KUBERNETES_SERVICE_HOST=");
  }

  /** What the failure analyzers registered in spring.factories say about {@code failure}. */
  public static FailureAnalysis analyze(Throwable failure) {
    // Boot's own analyzers that need constructor arguments are skipped; ours need none.
    List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
        .load(FailureAnalyzer.class, SpringFactoriesLoader.FailureHandler.handleMessage((m, e) -> {}));
    return analyzers.stream()
        .filter(a -> a.getClass().getName().startsWith("io.github.leaderelection"))
        .map(a -> a.analyze(failure))
        .filter(a -> a != null)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no leader election failure analysis for " + failure, failure));
  }
}
