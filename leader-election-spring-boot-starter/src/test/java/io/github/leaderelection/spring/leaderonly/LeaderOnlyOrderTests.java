package io.github.leaderelection.spring.leaderonly;

import static io.github.leaderelection.spring.TestRunners.runner;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.spring.LeaderOnly;
import io.github.leaderelection.spring.LeaderOnlyContext;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.NoTransactionException;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.interceptor.TransactionAspectSupport;
import org.springframework.transaction.support.SimpleTransactionStatus;

/** Where the leadership check sits among other advice of the same method. */
class LeaderOnlyOrderTests {

  private final ApplicationContextRunner runner = runner().withUserConfiguration(Transactions.class);

  @Test
  void aSkippedCallOpensNoTransaction() {
    runner.withPropertyValues("leader.election.mode=never-leader").run(context -> {
      context.getBean(Orders.class).purge();
      assertThat(context.getBean(RecordingTransactionManager.class).calls).isEmpty();
      assertThat(LeaderOnlyTests.target(context.getBean(Orders.class)).ranInTransaction).isEmpty();
    });
  }

  @Test
  void anAdmittedCallRunsInsideItsTransaction() {
    runner.withPropertyValues("leader.election.mode=always-leader").run(context -> {
      context.getBean(Orders.class).purge();
      assertThat(context.getBean(RecordingTransactionManager.class).calls).containsExactly("begin", "commit");
      assertThat(LeaderOnlyTests.target(context.getBean(Orders.class)).ranInTransaction).containsExactly(true);
    });
  }

  @Test
  void theOrderIsAPropertyAndTheDefaultRunsFirst() {
    runner.run(context -> assertThat(context.getBean(LeaderOnlyAdvisor.class).getOrder())
        .isEqualTo(LeaderOnlyAdvisor.DEFAULT_ORDER).isLessThan(Ordered.LOWEST_PRECEDENCE));
    // Put it inside the transaction on purpose: a follower's skipped call then opens one.
    runner.withPropertyValues("leader.election.mode=never-leader",
            "leader.election.leader-only.order=" + Ordered.LOWEST_PRECEDENCE)
        .run(context -> {
          assertThat(context.getBean(LeaderOnlyAdvisor.class).getOrder()).isEqualTo(Ordered.LOWEST_PRECEDENCE);
          context.getBean(Orders.class).purge();
          assertThat(context.getBean(RecordingTransactionManager.class).calls).containsExactly("begin", "commit");
        });
  }

  /**
   * @Async wraps every other advice (Spring adds it in front of an existing proxy's advisors),
   * so the check runs on the executor thread, around the work itself: the work starts inside
   * the term, and is tracked until it returns.
   */
  @Test
  void withAsyncTheCheckRunsOnTheThreadThatDoesTheWork() {
    runner().withUserConfiguration(AsyncJobs.class).withPropertyValues("leader.election.mode=always-leader")
        .run(context -> {
          AsyncJobs jobs = context.getBean(AsyncJobs.class);
          Long token = jobs.work().get(5, TimeUnit.SECONDS);
          // Read from LeaderOnlyContext on the executor thread, inside the call.
          assertThat(token).isEqualTo(context.getBean(LeaderElection.class).fencingToken().getAsLong());
          assertThat(LeaderOnlyTests.target(jobs).threads).singleElement().asString().doesNotContain("main");
        });
    runner().withUserConfiguration(AsyncJobs.class).withPropertyValues("leader.election.mode=never-leader")
        .run(context -> {
          AsyncJobs jobs = context.getBean(AsyncJobs.class);
          assertThat(jobs.work().get(5, TimeUnit.SECONDS)).isNull();
          assertThat(LeaderOnlyTests.target(jobs).threads).isEmpty();
        });
  }

  // --- beans --------------------------------------------------------------------------------------

  @Configuration(proxyBeanMethods = false)
  @EnableTransactionManagement
  static class Transactions {
    @Bean
    RecordingTransactionManager transactionManager() {
      return new RecordingTransactionManager();
    }

    @Bean
    Orders orders() {
      return new Orders();
    }
  }

  static class Orders {
    final List<Boolean> ranInTransaction = new CopyOnWriteArrayList<>();

    @LeaderOnly
    @Transactional
    public void purge() {
      boolean inTransaction;
      try {
        inTransaction = TransactionAspectSupport.currentTransactionStatus() != null;
      } catch (NoTransactionException e) {
        inTransaction = false;
      }
      ranInTransaction.add(inTransaction);
    }
  }

  /** Records begin / commit / rollback; no resource behind it. */
  static class RecordingTransactionManager implements PlatformTransactionManager {
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public TransactionStatus getTransaction(TransactionDefinition definition) {
      calls.add("begin");
      return new SimpleTransactionStatus(true);
    }

    @Override
    public void commit(TransactionStatus status) {
      calls.add("commit");
    }

    @Override
    public void rollback(TransactionStatus status) {
      calls.add("rollback");
    }
  }

  @Configuration(proxyBeanMethods = false)
  @EnableAsync
  static class AsyncJobs {
    final List<String> threads = new CopyOnWriteArrayList<>();
    private LeaderOnlyContext leaderOnly;

    @org.springframework.beans.factory.annotation.Autowired
    void setLeaderOnly(LeaderOnlyContext leaderOnly) {
      this.leaderOnly = leaderOnly;
    }

    @Async
    @LeaderOnly
    public CompletableFuture<Long> work() {
      threads.add(Thread.currentThread().getName());
      return CompletableFuture.completedFuture(leaderOnly.fencingToken().orElseThrow());
    }
  }
}
