package io.github.leaderelection.spring.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.leaderelection.spring.LeaderOnly;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

/**
 * The kit in a test that runs no auto-configuration of its own, as a test slice or a plain
 * Spring test: the annotation brings the starter's election and {@code @LeaderOnly} with the
 * kit, and the reset before each method works there too.
 */
@SpringJUnitConfig(PlainSpringTestTests.Report.class)
@AutoConfigureLeaderElectionControl
@TestPropertySource(properties = {"spring.main.cloud-platform=none", "KUBECONFIG=", "KUBERNETES_SERVICE_HOST="})
class PlainSpringTestTests {

  @Autowired LeadershipControl leadership;
  @Autowired LeaderOnlyInvocations invocations;
  @Autowired Report report;

  @Test
  void leaderOnlyFollowsTheControl() {
    assertThat(report.send()).isTrue();
    leadership.revoke();
    assertThat(report.send()).isFalse();
    leadership.grant();
    assertThat(report.send()).isTrue();
    assertThat(invocations.of("PlainSpringTestTests.Report.send"))
        .extracting(LeaderOnlyInvocations.Invocation::executed).containsExactly(true, false, true);
  }

  @Test
  void startsLeadingAgainWithNothingRecorded() {
    assertThat(leadership.isLeader()).isTrue();
    assertThat(invocations.all()).isEmpty();
    leadership.revoke(); // left for the next method: the reset must undo it
  }

  static class Report {
    @LeaderOnly
    public boolean send() {
      return true;
    }
  }
}
