package io.github.leaderelection.spring.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.core.LossReason;
import io.github.leaderelection.spring.actuate.LeaderElectionHealthIndicator;
import io.github.leaderelection.spring.actuate.LeaderEndpoint;
import io.github.leaderelection.spring.test.LeaderOnlyInvocations.Invocation;
import io.github.leaderelection.spring.test.app.JobApplication;
import io.github.leaderelection.spring.test.app.LeadershipLog;
import io.github.leaderelection.spring.test.app.PurgeJob;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A {@code @SpringBootTest} of an application with a {@code @Scheduled @LeaderOnly} job, as a
 * user writes it: the job runs while this instance is granted leadership, stops when it is
 * revoked, runs again after a new grant; the events come in order; the health contributor,
 * the meters and the {@code leader} endpoint follow, as they would with a real lease.
 */
@SpringBootTest(classes = JobApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
    "purge.interval=50ms", "management.endpoints.web.exposure.include=health,leader",
    "spring.main.cloud-platform=none", "KUBECONFIG=", "KUBERNETES_SERVICE_HOST="})
@AutoConfigureLeaderElectionControl
class ScheduledLeaderOnlyJobTests {

  @Autowired LeadershipControl leadership;
  @Autowired LeadershipEvents events;
  @Autowired LeaderOnlyInvocations invocations;
  @Autowired PurgeJob job;
  @Autowired LeadershipLog log;
  @Autowired LeaderElectionHealthIndicator health;
  @Autowired LeaderEndpoint endpoint;
  @Autowired MeterRegistry meters;

  @Test
  void theJobRunsOnlyWhileGrantedAndAgainAfterANewGrant() {
    log.clear();
    LeadershipTerm first = leadership.grant(); // leads already (reset before each test)
    Invocation running = invocations.awaitExecuted(PurgeJob.METHOD);
    assertThat(running.fencingToken()).hasValue(first.fencingToken());

    leadership.revoke();
    long runsAtRevoke = job.runs();
    // Every call decided after the revoke is skipped: two in a row, and the body ran no more.
    assertThat(invocations.awaitNext(PurgeJob.METHOD).skipped()).isTrue();
    assertThat(invocations.awaitNext(PurgeJob.METHOD).skipped()).isTrue();
    assertThat(job.runs()).isEqualTo(runsAtRevoke);

    LeadershipTerm second = leadership.grant();
    Invocation again = invocations.awaitExecuted(PurgeJob.METHOD);
    assertThat(again.fencingToken()).hasValue(second.fencingToken());
    await().atMost(Duration.ofSeconds(5)).until(() -> job.lastToken() == second.fencingToken());

    assertThat(events.history()).containsExactly("lost LEASE_TAKEN", "elected");
    assertThat(log.entries()).containsExactly("lost " + LossReason.LEASE_TAKEN, "elected " + second.fencingToken());
  }

  @Test
  void healthMetersAndTheEndpointFollowTheControlledLease() {
    leadership.revoke();
    Health follower = health.health();
    assertThat(follower.getStatus()).isEqualTo(Status.UP);
    assertThat(follower.getDetails()).containsEntry("state", "follower")
        .containsEntry("holder", LeadershipControl.OTHER_INSTANCE);
    assertThat(endpoint.leader().holder()).isEqualTo(LeadershipControl.OTHER_INSTANCE);
    assertThat(endpoint.leader().state()).isEqualTo("follower");
    assertThat(meters.get("leader.election.leader").gauge().value()).isZero();

    double transitions = meters.get("leader.election.transitions").counter().count();
    LeadershipTerm term = leadership.grant();
    assertThat(health.health().getDetails()).containsEntry("state", "leader").containsEntry("holder",
        leadership.identity());
    assertThat(endpoint.leader().fencingToken()).isEqualTo(term.fencingToken());
    assertThat(meters.get("leader.election.leader").gauge().value()).isEqualTo(1.0);
    assertThat(meters.get("leader.election.transitions").counter().count()).isEqualTo(transitions + 1);
    // The mode is the application's own: the kit replaces the lease, not the mode.
    assertThat(endpoint.leader().configuration().mode()).isEqualTo("always-leader");

    leadership.revoke(LossReason.RENEW_FAILED);
    assertThat(meters.get("leader.election.api.errors").tags("operation", "renew", "status", "503").counter()
        .count()).isPositive();
    assertThat(meters.get("leader.election.renewals").tag("outcome", "failure").timer().count()).isPositive();
    assertThat(health.health().getDetails()).containsEntry("state", "follower");
  }
}
