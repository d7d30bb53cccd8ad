package io.github.leaderelection.spring.test;

import static io.github.leaderelection.spring.test.KitRunners.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.tuple;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.InMemoryLeaseStore;
import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.core.LossReason;
import io.github.leaderelection.spring.LeaderElections;
import io.github.leaderelection.spring.LeaderOnly;
import io.github.leaderelection.spring.OnLeaderChangedEvent;
import io.github.leaderelection.spring.OnLeaderLostEvent;
import io.github.leaderelection.spring.election.ConfiguredLeaderElections;
import io.github.leaderelection.spring.election.ElectionLeaseStoreFactory;
import io.github.leaderelection.spring.test.LeaderOnlyInvocations.Invocation;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The kit with named elections ({@code leader.election.elections.<name>}): each runs on its own
 * controlled lease, is controlled on its own, and the recorders tell the elections apart. Two
 * named elections, billing and cache, besides the default one.
 */
class NamedElectionsTests {

  static final String BILL = "NamedElectionsTests.Jobs.bill";
  static final String EVICT = "NamedElectionsTests.Jobs.evict";
  static final String REPORT = "NamedElectionsTests.Jobs.report";

  static ApplicationContextRunner twoNamedElections() {
    return runner().withBean(Jobs.class)
        .withPropertyValues("leader.election.elections.billing.lease-name=orders-billing",
            "leader.election.elections.cache.identity=orders-cache-pod");
  }

  @Test
  void eachNamedElectionRunsOnItsOwnControlledLease() {
    twoNamedElections().run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(ElectionLeaseStoreFactory.class)).isInstanceOf(ControlledLeaseFactory.class);
      LeadershipControl leadership = context.getBean(LeadershipControl.class);
      LeaderElections elections = context.getBean(LeaderElections.class);
      leadership.reset(); // named elections do not wait for leadership at startup: now they lead
      assertThat(elections.names()).containsExactly("default", "billing", "cache");
      for (String name : elections.names()) {
        ElectionControl election = leadership.election(name);
        assertThat(election.name()).isEqualTo(name);
        assertThat(election.isLeader()).as(name).isTrue();
        assertThat(elections.get(name).isLeader()).as(name).isTrue();
        assertThat(election.holder()).as(name).contains(election.identity());
      }
      assertThat(leadership.election("cache").identity()).isEqualTo("orders-cache-pod");
      assertThat(leadership.election("billing").identity()).isEqualTo(leadership.identity());
      assertThat(leadership.election(LeaderElections.DEFAULT)).isSameAs(leadership.election(""));
    });
  }

  @Test
  void grantingBillingOnlyRunsBillingWorkAndSkipsCacheWork() {
    twoNamedElections().run(context -> {
      LeadershipControl leadership = context.getBean(LeadershipControl.class);
      LeaderOnlyInvocations invocations = context.getBean(LeaderOnlyInvocations.class);
      Jobs jobs = context.getBean(Jobs.class);
      leadership.reset();
      leadership.election("billing").revoke();
      leadership.election("cache").revoke();
      invocations.clear();

      long token = leadership.election("billing").grant().fencingToken();
      assertThat(jobs.bill()).isTrue();
      assertThat(jobs.evict()).isFalse(); // skipped: what a skipped boolean method returns
      assertThat(jobs.report()).isTrue(); // the default election was never touched

      assertThat(invocations.all()).extracting(Invocation::election, Invocation::method, Invocation::executed)
          .containsExactly(tuple("billing", BILL, true),
              tuple("cache", EVICT, false),
              tuple("default", REPORT, true));
      assertThat(invocations.election("billing").executed()).singleElement()
          .satisfies(i -> assertThat(i.fencingToken()).hasValue(token));
      assertThat(invocations.election("cache").skipped()).extracting(Invocation::method).containsExactly(EVICT);
      assertThat(invocations.election("cache").executed()).isEmpty();
      assertThat(invocations.election("").all()).extracting(Invocation::method).containsExactly(REPORT);
    });
  }

  @Test
  void revokingBillingPublishesBillingsEventsOnly() {
    twoNamedElections().run(context -> {
      LeadershipControl leadership = context.getBean(LeadershipControl.class);
      LeadershipEvents events = context.getBean(LeadershipEvents.class);
      LeaderElections elections = context.getBean(LeaderElections.class);
      leadership.reset();
      LeadershipTerm term = leadership.election("billing").grant(); // leads already: its current term

      leadership.election("billing").revoke();
      assertThat(elections.get("billing").isLeader()).isFalse();
      assertThat(elections.get("cache").isLeader()).isTrue();
      assertThat(elections.get(LeaderElections.DEFAULT).isLeader()).isTrue();
      assertThat(leadership.election("billing").holder()).contains(LeadershipControl.OTHER_INSTANCE);

      LeadershipEvents billing = events.election("billing");
      assertThat(billing.history()).containsExactly("lost LEASE_TAKEN");
      assertThat(billing.lost()).singleElement().satisfies(lost -> {
        assertThat(lost.getElection()).isEqualTo("billing");
        assertThat(lost.getTerm()).isEqualTo(term);
        assertThat(lost.getLeaseName()).isEqualTo("orders-billing");
      });
      assertThat(billing.await(OnLeaderChangedEvent.class).getLeaderIdentity())
          .isEqualTo(LeadershipControl.OTHER_INSTANCE);
      assertThat(events.election("cache").all()).isEmpty();
      assertThat(events.election("default").all()).isEmpty();
      assertThat(events.leadership()).extracting(e -> e.getElection()).containsOnly("billing");

      // A view's clear() forgets its own election's events only.
      leadership.election("cache").revoke();
      billing.clear();
      assertThat(billing.all()).isEmpty();
      assertThat(events.election("cache").lossReasons()).containsExactly(LossReason.LEASE_TAKEN);
      assertThat(events.lost()).extracting(OnLeaderLostEvent::getElection).containsExactly("cache");
    });
  }

  @Test
  void eachElectionIsControlledOnItsOwn() {
    twoNamedElections().run(context -> {
      LeadershipControl leadership = context.getBean(LeadershipControl.class);
      LeadershipEvents events = context.getBean(LeadershipEvents.class);
      leadership.reset();
      leadership.election("billing").stepDown();
      leadership.election("cache").handOverTo("orders-cache-b");
      leadership.revoke(); // the control's own methods: the default election
      assertThat(leadership.election("billing").holder()).contains(LeadershipControl.OTHER_INSTANCE);
      assertThat(leadership.election("cache").holder()).contains("orders-cache-b");
      assertThat(events.election("billing").lossReasons()).containsExactly(LossReason.RELEASED);
      assertThat(events.election("cache").lossReasons()).containsExactly(LossReason.LEASE_TAKEN);
      assertThat(events.election("default").lossReasons()).containsExactly(LossReason.LEASE_TAKEN);

      leadership.election("billing").grant(); // after the step-down's cool-down (the kit's 1 s)
      assertThat(leadership.election("billing").isLeader()).isTrue();
      assertThat(leadership.election("cache").isLeader()).isFalse();
      assertThat(leadership.isLeader()).isFalse();
    });
  }

  @Test
  void resetPutsEveryElectionBack() {
    twoNamedElections().run(context -> {
      LeadershipControl leadership = context.getBean(LeadershipControl.class);
      LeadershipEvents events = context.getBean(LeadershipEvents.class);
      LeaderOnlyInvocations invocations = context.getBean(LeaderOnlyInvocations.class);
      Jobs jobs = context.getBean(Jobs.class);
      leadership.reset();
      leadership.election("billing").revoke();
      leadership.election("cache").revoke();
      jobs.bill();
      jobs.evict();

      leadership.reset();
      for (String name : context.getBean(LeaderElections.class).names()) {
        assertThat(leadership.election(name).isLeader()).as(name).isTrue();
      }
      assertThat(events.all()).isEmpty();
      assertThat(invocations.all()).isEmpty();
      assertThat(jobs.bill()).isTrue();
      assertThat(jobs.evict()).isTrue();
    });
  }

  @Test
  void anUnknownNameFailsNamingTheElectionsThereAre() {
    twoNamedElections().run(context -> {
      LeadershipControl leadership = context.getBean(LeadershipControl.class);
      assertThatIllegalArgumentException().isThrownBy(() -> leadership.election("payments"))
          .withMessageContaining("'payments'").withMessageContaining("default, billing, cache");
      assertThatIllegalArgumentException()
          .isThrownBy(() -> context.getBean(LeadershipEvents.class).election("payments"))
          .withMessageContaining("default, billing, cache");
      assertThatIllegalArgumentException()
          .isThrownBy(() -> context.getBean(LeaderOnlyInvocations.class).election("payments"))
          .withMessageContaining("default, billing, cache");
    });
  }

  @Test
  void aRestartedContextStartsEveryElectionOnAFreeLease() {
    twoNamedElections().run(context -> {
      LeadershipControl leadership = context.getBean(LeadershipControl.class);
      LeaderElections elections = context.getBean(LeaderElections.class);
      leadership.reset();
      leadership.election("billing").revoke();
      context.getSourceApplicationContext().stop();
      context.getSourceApplicationContext().start();
      // No grant: the election finds its lease free, not held by the other instance for a day.
      assertThat(elections.get("billing").awaitLeadership(Duration.ofSeconds(10))).isTrue();
      assertThat(leadership.election("billing").holder()).contains(leadership.election("billing").identity());
    });
  }

  @Test
  void namedElectionsTakeTheKitsTimingsUnlessTheySetTheirOwn() {
    // cache's retry period alone with the kit's renew deadline (3 s) would be invalid
    // (renew-deadline > 1.2 x retry-period): it gets the starter's defaults for the other two.
    twoNamedElections().withPropertyValues("leader.election.elections.cache.retry-period=3s").run(context -> {
      assertThat(context).hasNotFailed();
      ConfiguredLeaderElections elections = context.getBean(ConfiguredLeaderElections.class);
      ElectionConfig billing = elections.config("billing");
      assertThat(billing.leaseDuration()).isEqualTo(Duration.ofSeconds(5));
      assertThat(billing.renewDeadline()).isEqualTo(Duration.ofSeconds(3));
      assertThat(billing.retryPeriod()).isEqualTo(Duration.ofSeconds(1));
      assertThat(billing.stepDownCooldown()).isEqualTo(Duration.ofSeconds(1));
      ElectionConfig cache = elections.config("cache");
      assertThat(cache.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
      assertThat(cache.renewDeadline()).isEqualTo(Duration.ofSeconds(10));
      assertThat(cache.retryPeriod()).isEqualTo(Duration.ofSeconds(3));
      assertThat(cache.stepDownCooldown()).isEqualTo(Duration.ofSeconds(1)); // not a timing of the rule
    });
    // Timings set at the top level: no kit timings at all, the named elections inherit the application's.
    twoNamedElections().withPropertyValues("leader.election.lease-duration=20s", "leader.election.renew-deadline=12s",
        "leader.election.retry-period=4s").run(context -> {
          ElectionConfig billing = context.getBean(ConfiguredLeaderElections.class).config("billing");
          assertThat(billing.leaseDuration()).isEqualTo(Duration.ofSeconds(20));
          assertThat(billing.retryPeriod()).isEqualTo(Duration.ofSeconds(4));
        });
  }

  @Test
  void anApplicationsOwnLeaseFactoryIsKeptAndTheControlSaysItCannotControlNamedElections() {
    ElectionLeaseStoreFactory own = (election, config) -> new InMemoryLeaseStore(config);
    twoNamedElections().withBean("myLeaseFactory", ElectionLeaseStoreFactory.class, () -> own).run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause()
          .hasMessageContaining("cannot control the election 'billing'")
          .hasMessageContaining("own ElectionLeaseStoreFactory bean [myLeaseFactory]");
    });
    // Without named elections the factory is never asked: nothing the kit cannot control.
    runner().withBean("myLeaseFactory", ElectionLeaseStoreFactory.class, () -> own).run(context -> {
      assertThat(context).hasNotFailed();
      context.getBean(LeadershipControl.class).revoke();
    });
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

    @LeaderOnly
    public boolean report() {
      return true;
    }
  }
}
