package io.github.leaderelection.core.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.leaderelection.core.ElectionConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Names and timings of member Leases; joining and leaving run on the real server (BalancingIT). */
class LeaseMembershipTest {

  @Test
  void aMemberLeaseIsNamedAfterTheGroupAndAHashOfTheIdentity() {
    String name = LeaseMembership.leaseName("billing", "sample-app-7d9f-x2k4q-ab12cd");
    assertThat(name).matches("billing-member-[0-9a-f]{12}");
    assertThat(LeaseMembership.leaseName("billing", "sample-app-7d9f-x2k4q-ab12cd")).isEqualTo(name);
    assertThat(LeaseMembership.leaseName("billing", "other")).isNotEqualTo(name);
    // Any identity gives a valid Lease name, also one that is not a DNS name itself.
    assertThat(LeaseMembership.leaseName("g", "Pod A/1")).matches("g-member-[0-9a-f]{12}");
  }

  @Test
  void aGroupNameThatCannotBePartOfALeaseNameIsRefusedNamingTheRule() {
    for (String bad : new String[] {"", "Billing", "-a", "a-", "a_b", "x".repeat(201)}) {
      assertThatThrownBy(() -> LeaseMembership.requireGroup(bad)).as(bad)
          .hasMessageContaining("Balancing group").hasMessageContaining("lower-case");
    }
    assertThatThrownBy(() -> LeaseMembership.requireGroup(null)).isInstanceOf(IllegalArgumentException.class);
    assertThat(LeaseMembership.requireGroup("billing.jobs-2")).isEqualTo("billing.jobs-2");
  }

  @Test
  void theMemberLeaseRenewsEveryThirdOfTheLeaseDurationAndIsReleasedOnLeaving() {
    ElectionConfig election = ElectionConfig.builder("jobs").namespace("ns").identity("me").build(); // 15/10/2 s
    ElectionConfig member = LeaseMembership.memberConfig("g-member-0", election);
    assertThat(member.retryPeriod()).isEqualTo(Duration.ofSeconds(5));
    assertThat(member.leaseDuration()).isEqualTo(election.leaseDuration());
    assertThat(member.renewDeadline()).isEqualTo(election.renewDeadline());
    assertThat(member.identity()).isEqualTo("me");
    assertThat(member.namespace()).isEqualTo("ns");
    assertThat(member.releaseOnShutdown()).isTrue();
  }

  @Test
  void theMemberRetryPeriodStaysBelowWhatTheRenewDeadlineAllowsAndNeverUnderTheElections() {
    ElectionConfig tight = ElectionConfig.builder("jobs").namespace("ns").identity("me")
        .leaseDuration(Duration.ofSeconds(30)).renewDeadline(Duration.ofSeconds(5)).retryPeriod(Duration.ofSeconds(1))
        .build();
    assertThat(LeaseMembership.memberConfig("m", tight).retryPeriod()).isEqualTo(Duration.ofSeconds(4));
    ElectionConfig slow = ElectionConfig.builder("jobs").namespace("ns").identity("me")
        .leaseDuration(Duration.ofSeconds(12)).renewDeadline(Duration.ofSeconds(10)).retryPeriod(Duration.ofSeconds(8))
        .build();
    assertThat(LeaseMembership.memberConfig("m", slow).retryPeriod()).isEqualTo(Duration.ofSeconds(8));
  }
}
