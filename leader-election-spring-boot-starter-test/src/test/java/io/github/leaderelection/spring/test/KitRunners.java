package io.github.leaderelection.spring.test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Shared setup of the kit's context-runner tests. */
final class KitRunners {

  private KitRunners() {}

  /**
   * The kit as a user adds it to a runner, in an environment that looks like a laptop whatever
   * the machine running the tests (no cloud platform, no KUBECONFIG, not in a cluster), so mode
   * auto resolves to always-leader, as in most users' tests.
   */
  static ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(LeaderElectionTestKit.autoConfigurations())
        .withPropertyValues("spring.application.name=orders", "leader.election.namespace=test",
            "spring.main.cloud-platform=none", "KUBECONFIG=", "KUBERNETES_SERVICE_HOST=");
  }
}
