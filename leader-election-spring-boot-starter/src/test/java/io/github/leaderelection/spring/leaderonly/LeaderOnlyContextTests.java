package io.github.leaderelection.spring.leaderonly;

import static io.github.leaderelection.spring.TestRunners.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.spring.LeaderOnly;
import io.github.leaderelection.spring.LeaderOnlyContext;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The term a {@link LeaderOnly} call was admitted under, readable during the call. */
class LeaderOnlyContextTests {

  @Test
  void theAdmittedTermOutlivesTheLeadershipThatAdmittedIt() {
    runner().withPropertyValues("leader.election.mode=always-leader").withBean(Job.class).run(context -> {
      LeaderElection election = context.getBean(LeaderElection.class);
      LeaderOnlyContext leaderOnly = context.getBean(LeaderOnlyContext.class);
      LeadershipTerm term = election.currentTerm().orElseThrow();
      assertThat(leaderOnly.currentTerm()).as("outside a @LeaderOnly call").isEmpty();

      Seen seen = context.getBean(Job.class).stepDownMidway();

      assertThat(seen.before).contains(term);
      // Re-reading the election after the loss gives nothing; the call's own term stays.
      assertThat(seen.electionTokenAfterLoss).isEmpty();
      assertThat(seen.after).contains(term);
      assertThat(seen.tokenAfterLoss).hasValue(term.fencingToken());
      assertThat(leaderOnly.currentTerm()).as("after the call returned").isEmpty();
    });
  }

  @Test
  void nestedCallsRestoreTheOuterTerm() {
    runner().withPropertyValues("leader.election.mode=always-leader").withBean(Job.class).run(context -> {
      Job job = context.getBean(Job.class);
      LeaderOnlyContext leaderOnly = context.getBean(LeaderOnlyContext.class);
      assertThat(job.outer()).isTrue();
      assertThat(leaderOnly.currentTerm()).isEmpty();
    });
  }

  @Test
  void emptyInASkippedCallsCaller() {
    runner().withPropertyValues("leader.election.mode=never-leader").withBean(Job.class).run(context -> {
      assertThat(context.getBean(Job.class).term()).isEmpty(); // skipped
      assertThat(context.getBean(LeaderOnlyContext.class).currentTerm()).isEmpty();
    });
  }

  record Seen(Optional<LeadershipTerm> before, OptionalLong electionTokenAfterLoss, Optional<LeadershipTerm> after,
      OptionalLong tokenAfterLoss) {}

  static class Job {
    @Autowired
    LeaderElection election;
    @Autowired
    LeaderOnlyContext leaderOnly;
    @Autowired
    @org.springframework.context.annotation.Lazy
    Job self;

    @LeaderOnly
    public Seen stepDownMidway() {
      Optional<LeadershipTerm> before = leaderOnly.currentTerm();
      election.stepDown(); // completes once this call returned: the loss waits for it
      await().atMost(Duration.ofSeconds(5)).until(() -> !election.isLeader());
      return new Seen(before, election.fencingToken(), leaderOnly.currentTerm(), leaderOnly.fencingToken());
    }

    @LeaderOnly
    public boolean outer() {
      Optional<LeadershipTerm> mine = leaderOnly.currentTerm();
      Optional<LeadershipTerm> inner = self.term();
      return mine.isPresent() && inner.equals(mine) && leaderOnly.currentTerm().equals(mine);
    }

    @LeaderOnly
    public Optional<LeadershipTerm> term() {
      return leaderOnly.currentTerm();
    }
  }
}
