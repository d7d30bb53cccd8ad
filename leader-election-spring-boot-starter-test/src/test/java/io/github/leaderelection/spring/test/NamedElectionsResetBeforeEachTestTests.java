package io.github.leaderelection.spring.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.leaderelection.spring.LeaderElections;
import io.github.leaderelection.spring.LeaderOnly;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

/**
 * The reset before each test method covers every election: the first method leaves both named
 * elections and the default one without this instance leading, with events and calls recorded;
 * the second must find all three leading and the recorders empty.
 */
@SpringJUnitConfig(NamedElectionsResetBeforeEachTestTests.Jobs.class)
@AutoConfigureLeaderElectionControl
@TestPropertySource(properties = {"spring.main.cloud-platform=none", "KUBECONFIG=", "KUBERNETES_SERVICE_HOST=",
    "leader.election.elections.billing.lease-name=orders-billing",
    "leader.election.elections.cache.lease-name=orders-cache"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NamedElectionsResetBeforeEachTestTests {

  @Autowired LeadershipControl leadership;
  @Autowired LeadershipEvents events;
  @Autowired LeaderOnlyInvocations invocations;
  @Autowired LeaderElections elections;
  @Autowired Jobs jobs;

  @Test
  @Order(1)
  void leavesEveryElectionToAnotherInstance() {
    assertEveryElectionLeadsWithNothingRecorded();
    leadership.election("billing").revoke();
    leadership.election("cache").handOverTo("orders-cache-b");
    leadership.revoke();
    assertThat(jobs.bill()).isFalse();
    assertThat(jobs.evict()).isFalse();
    assertThat(events.lost()).hasSize(3);
  }

  @Test
  @Order(2)
  void theNextMethodFindsEveryElectionLeadingAndNothingRecorded() {
    assertEveryElectionLeadsWithNothingRecorded();
    assertThat(jobs.bill()).isTrue();
    assertThat(jobs.evict()).isTrue();
  }

  private void assertEveryElectionLeadsWithNothingRecorded() {
    assertThat(elections.names()).containsExactly("default", "billing", "cache");
    for (String name : elections.names()) {
      assertThat(elections.get(name).isLeader()).as(name).isTrue();
      assertThat(leadership.election(name).holder()).as(name).contains(leadership.election(name).identity());
    }
    assertThat(events.all()).isEmpty();
    assertThat(invocations.all()).isEmpty();
  }

  static class Jobs {
    @LeaderOnly("billing")
    public boolean bill() {
      return true;
    }

    @LeaderOnly("cache")
    public boolean evict() {
      return true;
    }
  }
}
