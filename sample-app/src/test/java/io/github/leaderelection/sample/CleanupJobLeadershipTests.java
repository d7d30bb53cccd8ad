package io.github.leaderelection.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.leaderelection.core.LossReason;
import io.github.leaderelection.spring.test.AutoConfigureLeaderElectionControl;
import io.github.leaderelection.spring.test.LeaderOnlyInvocations;
import io.github.leaderelection.spring.test.LeadershipControl;
import io.github.leaderelection.spring.test.LeadershipEvents;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

// The election runs on a lease this test controls; each test starts with this instance leading.
@SpringBootTest(properties = "sample.cleanup.interval=100ms")
@AutoConfigureLeaderElectionControl
class CleanupJobLeadershipTests {

  static final String JOB = "CleanupJob.purgeExpiredOrders"; // as @LeaderOnly names it

  @Autowired LeadershipControl leadership;
  @Autowired LeadershipEvents events;
  @Autowired LeaderOnlyInvocations invocations;

  @Test
  void theJobRunsOnlyWhileThisInstanceLeads() {
    assertThat(invocations.awaitNext(JOB).executed()).isTrue();

    leadership.revoke(); // another instance takes the lease
    assertThat(invocations.awaitNext(JOB).skipped()).isTrue();

    long token = leadership.grant().fencingToken(); // this instance wins it back, a new term
    assertThat(invocations.awaitExecuted(JOB).fencingToken()).hasValue(token);

    assertThat(events.history()).containsExactly("lost LEASE_TAKEN", "elected");
  }

  @Test
  void aStepDownHandsTheLeaseToAnotherInstance() {
    leadership.stepDown(); // as POST /actuator/leader does
    assertThat(leadership.holder()).contains(LeadershipControl.OTHER_INSTANCE);
    assertThat(invocations.awaitNext(JOB).skipped()).isTrue();
    assertThat(events.lossReasons()).containsExactly(LossReason.RELEASED);
  }
}
