package io.github.leaderelection.spring.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.leaderelection.spring.test.app.JobApplication;
import io.github.leaderelection.spring.test.app.PurgeJob;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.NestedTestConfiguration;

/**
 * Test classes with the same configuration share one application context (Spring's context
 * cache), so whatever one leaves behind, the next finds, unless the kit resets it. Each method of
 * A leaves the application revoked (another instance holds the lease), with events and calls
 * recorded; A's second method and B, on the same context, must find it leading with empty
 * recorders.
 * Nested only to fix the order of the classes without a global JUnit setting.
 */
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
class SharedContextTests {

  static final AtomicReference<ApplicationContext> contextOfA = new AtomicReference<>();

  @Nested
  @Order(1)
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  @NestedTestConfiguration(NestedTestConfiguration.EnclosingConfiguration.OVERRIDE)
  @SpringBootTest(classes = JobApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
      properties = {"purge.interval=50ms", "spring.main.cloud-platform=none", "KUBECONFIG=", "KUBERNETES_SERVICE_HOST="})
  @AutoConfigureLeaderElectionControl
  class A_LeavesItRevoked {
    @Autowired LeadershipControl leadership;
    @Autowired LeadershipEvents events;
    @Autowired LeaderOnlyInvocations invocations;
    @Autowired ApplicationContext context;

    @Test
    @Order(1)
    void revokesAndLeavesItSo() {
      contextOfA.set(context);
      invocations.awaitExecuted(PurgeJob.METHOD);
      leadership.handOverTo("someone-else");
      invocations.awaitSkipped(PurgeJob.METHOD);
      assertThat(events.lost()).isNotEmpty();
    }

    @Test
    @Order(2)
    void theNextMethodStartsLeadingWithNothingRecorded() {
      assertStartsClean(leadership, events, invocations);
      leadership.revoke();
      invocations.awaitSkipped(PurgeJob.METHOD);
    }
  }

  @Nested
  @Order(2)
  @NestedTestConfiguration(NestedTestConfiguration.EnclosingConfiguration.OVERRIDE)
  @SpringBootTest(classes = JobApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
      properties = {"purge.interval=50ms", "spring.main.cloud-platform=none", "KUBECONFIG=", "KUBERNETES_SERVICE_HOST="})
  @AutoConfigureLeaderElectionControl
  class B_SameContext {
    @Autowired LeadershipControl leadership;
    @Autowired LeadershipEvents events;
    @Autowired LeaderOnlyInvocations invocations;
    @Autowired ApplicationContext context;

    @Test
    void startsLeadingWithNothingRecorded() {
      assertThat(context).as("the context of A, from the cache").isSameAs(contextOfA.get());
      assertStartsClean(leadership, events, invocations);
    }
  }

  static void assertStartsClean(LeadershipControl leadership, LeadershipEvents events,
      LeaderOnlyInvocations invocations) {
    assertThat(leadership.isLeader()).isTrue();
    assertThat(leadership.holder()).contains(leadership.identity());
    assertThat(events.all()).isEmpty();
    // The job keeps running, so calls were recorded since the reset: all in the term the reset
    // began (none left from the previous test's terms). One skipped call is allowed: decided just
    // before the reset's grant, it may be recorded just after it.
    long token = leadership.grant().fencingToken(); // leads already: the current term
    assertThat(invocations.awaitExecuted(PurgeJob.METHOD).fencingToken()).hasValue(token);
    assertThat(invocations.executed()).allSatisfy(i -> assertThat(i.fencingToken()).hasValue(token));
    assertThat(invocations.skipped()).hasSizeLessThanOrEqualTo(1);
  }
}
