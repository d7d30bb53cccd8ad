package io.github.leaderelection.spring.leaderonly;

import static io.github.leaderelection.spring.TestRunners.runner;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.spring.LeaderOnly;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.test.util.AopTestUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** What {@link LeaderOnly} methods return and whether they run, by mode and AOP setup. */
class LeaderOnlyTests {

  private final ApplicationContextRunner runner = runner()
      .withBean(Jobs.class)
      .withBean(TaskImpl.class)
      .withBean(InterfaceAnnotated.class);

  @Test
  void runsWhenLeader() {
    runner.withPropertyValues("leader.election.mode=always-leader").run(context -> {
      Jobs jobs = context.getBean(Jobs.class);
      assertThat(AopUtils.isCglibProxy(jobs)).isTrue();
      jobs.run();
      assertThat(target(jobs).runs).hasValue(1);
      assertThat(jobs.text()).isEqualTo("ran");
      assertThat(jobs.optional()).contains("ran");
      assertThat(jobs.optionalInt()).hasValue(7);
      assertThat(jobs.number()).isEqualTo(42);
      assertThat(jobs.big()).isEqualTo(42L);
      assertThat(jobs.flag()).isTrue();
      assertThat(jobs.real()).isEqualTo(4.2);
      assertThat(jobs.letter()).isEqualTo('x');
      assertThat(jobs.mono().block()).isEqualTo("ran");
      assertThat(jobs.flux().collectList().block()).containsExactly("ran");
      assertThat(context.getBean(TaskImpl.class).work()).isEqualTo("ran");
      assertThat(context.getBean(InterfaceAnnotated.class).work()).isEqualTo("ran");
      LeaderOnlyExecutions executions = context.getBean(LeaderOnlyExecutions.class);
      assertThat(executions.skippedCount()).isZero();
      assertThat(executions.executedCount()).isEqualTo(13);
      assertThat(executions.runningCount()).isZero();
    });
  }

  @Test
  void skippedCallsReturnNothingInTheirReturnTypesTerms() {
    runner.withPropertyValues("leader.election.mode=never-leader").run(context -> {
      Jobs jobs = context.getBean(Jobs.class);
      jobs.run();
      assertThat(target(jobs).runs).hasValue(0);
      assertThat(jobs.text()).isNull();
      assertThat(jobs.optional()).isEmpty();
      assertThat(jobs.optionalInt()).isEmpty();
      assertThat(jobs.number()).isZero();
      assertThat(jobs.big()).isZero();
      assertThat(jobs.flag()).isFalse();
      assertThat(jobs.real()).isZero();
      assertThat(jobs.letter()).isEqualTo('\0');
      assertThat(jobs.mono().block()).isNull();
      assertThat(jobs.flux().collectList().block()).isEmpty();
      assertThat(jobs.unannotated()).isEqualTo("ran");
      assertThat(context.getBean(TaskImpl.class).work()).isNull();
      assertThat(context.getBean(InterfaceAnnotated.class).work()).isNull();
      LeaderOnlyExecutions executions = context.getBean(LeaderOnlyExecutions.class);
      assertThat(executions.skippedCount()).isEqualTo(13);
      assertThat(executions.skippedCounts()).containsEntry("LeaderOnlyTests.Jobs.run", 1L)
          .containsEntry("LeaderOnlyTests.TaskImpl.work", 1L)
          .hasSize(13);
      assertThat(executions.executedCount()).isZero();
      assertThat(executions.runningCount()).isZero();
    });
  }

  @Test
  void proxiesWithSpringBootsAopAutoConfigurationToo() {
    runner.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class))
        .withPropertyValues("leader.election.mode=never-leader")
        .run(context -> assertThat(context.getBean(TaskImpl.class).work()).isNull());
  }

  @Test
  void proxiesWhenSpringBootsAopAutoConfigurationIsOff() {
    runner.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class))
        .withPropertyValues("spring.aop.auto=false", "leader.election.mode=never-leader")
        .run(context -> assertThat(context.getBean(TaskImpl.class).work()).isNull());
  }

  @Test
  void interfaceProxiesWhenClassProxyingIsTurnedOff() {
    runner.withPropertyValues("spring.aop.proxy-target-class=false", "leader.election.mode=never-leader")
        .run(context -> {
          Task task = context.getBean(Task.class);
          assertThat(AopUtils.isJdkDynamicProxy(task)).isTrue();
          assertThat(task.work()).isNull();
        });
  }

  @Test
  void disabledLeavesMethodsAlone() {
    runner.withPropertyValues("leader.election.enabled=false").run(context -> {
      Jobs jobs = context.getBean(Jobs.class);
      assertThat(AopUtils.isAopProxy(jobs)).isFalse();
      assertThat(jobs.text()).isEqualTo("ran");
    });
  }

  @Test
  void usesTheApplicationsLeaderElection() {
    runner.withPropertyValues("leader.election.mode=always-leader")
        .withBean(LeaderElection.class, NotLeader::new)
        .run(context -> {
          assertThat(context.getBean(Jobs.class).text()).isNull();
          assertThat(context.getBean(LeaderOnlyExecutions.class).skippedCount()).isEqualTo(1);
        });
  }

  @Test
  void userBeansWin() {
    LeaderOnlyExecutions executions = new LeaderOnlyExecutions(java.time.Duration.ofSeconds(1));
    runner.withPropertyValues("leader.election.mode=never-leader")
        .withBean(LeaderOnlyExecutions.class, () -> executions)
        .run(context -> {
          assertThat(context).getBean(LeaderOnlyExecutions.class).isSameAs(executions);
          context.getBean(Jobs.class).run();
          assertThat(executions.skippedCount()).isEqualTo(1);
        });
    // Of the infrastructure role, like ours: Spring's infrastructure auto-proxy creator applies
    // no other advisors (the verifier would fail startup, the methods being unguarded).
    runner.withBean("myAdvisor", LeaderOnlyAdvisor.class,
            () -> new LeaderOnlyAdvisor(new LeaderOnlyInterceptor(NotLeader::new, () -> executions)),
            definition -> definition.setRole(org.springframework.beans.factory.config.BeanDefinition.ROLE_INFRASTRUCTURE))
        .run(context -> {
          assertThat(context).hasSingleBean(LeaderOnlyAdvisor.class).hasBean("myAdvisor");
          assertThat(context.getBean(Jobs.class).text()).isNull(); // the application's advisor applies
        });
  }

  /** Fields live in the target; the class-based proxy has its own, unset ones. */
  static <T> T target(T proxy) {
    return AopTestUtils.getUltimateTargetObject(proxy);
  }

  // --- beans --------------------------------------------------------------------------------------

  static class Jobs {
    final AtomicInteger runs = new AtomicInteger();

    @LeaderOnly
    public void run() {
      runs.incrementAndGet();
    }

    @LeaderOnly
    public String text() {
      return "ran";
    }

    @LeaderOnly
    public Optional<String> optional() {
      return Optional.of("ran");
    }

    @LeaderOnly
    public OptionalInt optionalInt() {
      return OptionalInt.of(7);
    }

    @LeaderOnly
    public int number() {
      return 42;
    }

    @LeaderOnly
    public long big() {
      return 42L;
    }

    @LeaderOnly
    public boolean flag() {
      return true;
    }

    @LeaderOnly
    public double real() {
      return 4.2;
    }

    @LeaderOnly
    public char letter() {
      return 'x';
    }

    @LeaderOnly
    public Mono<String> mono() {
      return Mono.just("ran");
    }

    @LeaderOnly
    public Flux<String> flux() {
      return Flux.just("ran");
    }

    public String unannotated() {
      return "ran";
    }
  }

  interface Task {
    String work();
  }

  /** Implements an interface: still injectable by its class, since classes are proxied. */
  static class TaskImpl implements Task {
    @Override
    @LeaderOnly
    public String work() {
      return "ran";
    }
  }

  interface AnnotatedTask {
    @LeaderOnly
    String work();
  }

  /** The annotation sits on the interface method only. */
  static class InterfaceAnnotated implements AnnotatedTask {
    @Override
    public String work() {
      return "ran";
    }
  }

  /** An application's own LeaderElection that never leads. */
  static class NotLeader implements LeaderElection {
    @Override
    public boolean isLeader() {
      return false;
    }

    @Override
    public Optional<io.github.leaderelection.core.LeadershipTerm> currentTerm() {
      return Optional.empty();
    }

    @Override
    public Optional<String> currentHolder() {
      return Optional.empty();
    }

    @Override
    public java.util.OptionalLong fencingToken() {
      return java.util.OptionalLong.empty();
    }

    @Override
    public boolean awaitLeadership(java.time.Duration timeout) {
      return false;
    }

    @Override
    public java.util.concurrent.CompletableFuture<Boolean> stepDown() {
      return java.util.concurrent.CompletableFuture.completedFuture(false);
    }

    @Override
    public io.github.leaderelection.core.ElectionStatus status() {
      return null;
    }
  }
}
