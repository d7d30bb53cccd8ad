package io.github.leaderelection.spring.leaderonly;

import static io.github.leaderelection.spring.TestRunners.runner;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.leaderelection.spring.LeaderOnly;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A {@link LeaderOnly} method the proxy cannot intercept would run on every instance: startup
 * fails naming each one, or with {@code unproxyable=warn} logs a WARN per method.
 */
@ExtendWith(OutputCaptureExtension.class)
class LeaderOnlyVerificationTests {

  private final ApplicationContextRunner runner = runner()
      .withPropertyValues("leader.election.mode=never-leader")
      .withBean(FinalMethod.class)
      .withBean(PrivateMethod.class)
      .withBean(StaticMethod.class)
      .withBean(PackagePrivateFinalMethod.class);

  @Test
  void startupFailsNamingEveryMethodTheProxyCannotIntercept() {
    runner.run(context -> {
      assertThat(context).hasFailed();
      Throwable failure = context.getStartupFailure();
      assertThat(failure).isInstanceOf(LeaderOnlyNotApplicableException.class);
      assertThat(failure.getMessage())
          .contains("LeaderOnlyVerificationTests.FinalMethod.work()", "final")
          .contains("LeaderOnlyVerificationTests.PrivateMethod.work()", "private")
          .contains("LeaderOnlyVerificationTests.StaticMethod.work()", "static")
          .contains("LeaderOnlyVerificationTests.PackagePrivateFinalMethod.work()")
          .contains("leader.election.leader-only.unproxyable=warn");
      assertThat(((LeaderOnlyNotApplicableException) failure).methods()).hasSize(4);
    });
  }

  @Test
  void warnModeStartsAndLogsEachMethod(CapturedOutput output) {
    runner.withPropertyValues("leader.election.leader-only.unproxyable=warn").run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(output).contains("WARN").contains("LeaderOnlyVerificationTests.FinalMethod.work()")
          .contains("LeaderOnlyVerificationTests.PrivateMethod.work()")
          .contains("LeaderOnlyVerificationTests.StaticMethod.work()")
          .contains("LeaderOnlyVerificationTests.PackagePrivateFinalMethod.work()");
    });
  }

  @Test
  void interceptableMethodsPass() {
    runner().withPropertyValues("leader.election.mode=never-leader")
        .withBean(LeaderOnlyTests.Jobs.class)
        .withBean(ProtectedAndPackagePrivate.class)
        .run(context -> {
          assertThat(context).hasNotFailed();
          ProtectedAndPackagePrivate bean = context.getBean(ProtectedAndPackagePrivate.class);
          assertThat(bean.packagePrivate()).isNull();
          assertThat(bean.inherited()).isNull();
        });
  }

  @Test
  void aMethodMissingFromTheInterfacesOfAJdkProxyIsReported() {
    runner().withPropertyValues("leader.election.mode=never-leader", "spring.aop.proxy-target-class=false")
        .withBean(NotOnInterface.class)
        .run(context -> assertThat(context).getFailure().hasMessageContaining(
            "LeaderOnlyVerificationTests.NotOnInterface.extra()"));
  }

  @Test
  void aReturnTypeThatCannotSayNothingFailsEvenInWarnMode() {
    runner().withPropertyValues("leader.election.mode=never-leader", "leader.election.leader-only.unproxyable=warn")
        .withBean(OwnFutureType.class)
        .run(context -> assertThat(context).getFailure().hasMessageContaining(
            "LeaderOnlyVerificationTests.OwnFutureType.work()").hasMessageContaining("MyFuture"));
  }

  // --- beans --------------------------------------------------------------------------------------

  static class FinalMethod {
    @LeaderOnly
    public final String work() {
      return "ran";
    }
  }

  static class PrivateMethod {
    public String call() {
      return work();
    }

    @LeaderOnly
    private String work() {
      return "ran";
    }
  }

  static class StaticMethod {
    @LeaderOnly
    public static String work() {
      return "ran";
    }
  }

  /** CGLIB says nothing about this one at INFO: the worst case. */
  static class PackagePrivateFinalMethod {
    @LeaderOnly
    final String work() {
      return "ran";
    }
  }

  static class Base {
    @LeaderOnly
    protected String inherited() {
      return "ran";
    }
  }

  static class ProtectedAndPackagePrivate extends Base {
    @LeaderOnly
    String packagePrivate() {
      return "ran";
    }
  }

  interface Work {
    String work();
  }

  static class NotOnInterface implements Work {
    @Override
    @LeaderOnly
    public String work() {
      return "ran";
    }

    @LeaderOnly
    public String extra() {
      return "ran";
    }
  }

  static class MyFuture<T> extends CompletableFuture<T> {}

  static class OwnFutureType {
    @LeaderOnly
    public MyFuture<String> work() {
      return new MyFuture<>();
    }
  }
}
