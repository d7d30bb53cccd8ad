package io.github.leaderelection.spring.actuate;

import static io.github.leaderelection.spring.TestRunners.runner;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.spring.actuate.LeaderEndpoint.LeaderDescriptor;
import io.github.leaderelection.spring.actuate.LeaderEndpoint.StepDownDescriptor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.web.ExposableWebEndpoint;
import org.springframework.boot.actuate.endpoint.web.WebEndpointsSupplier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/** The {@code leader} endpoint: when it exists, what it reads, stepping down, write access. */
class LeaderEndpointTests {

  private static ApplicationContextRunner endpoint() {
    return runner().withConfiguration(AutoConfigurations.of(LeaderEndpointAutoConfiguration.class))
        .withPropertyValues("management.endpoints.web.exposure.include=leader");
  }

  @Test
  void readsHolderStateTokenAndEffectiveConfiguration() {
    endpoint().withPropertyValues("leader.election.identity=pod-1", "leader.election.lease-duration=20s")
        .run(context -> {
          LeaderDescriptor leader = context.getBean(LeaderEndpoint.class).leader();
          assertThat(leader.holder()).isEqualTo("pod-1");
          assertThat(leader.identity()).isEqualTo("pod-1");
          assertThat(leader.state()).isEqualTo("leader");
          assertThat(leader.acquireTime()).isNotNull();
          assertThat(leader.transitions()).isZero();
          assertThat(leader.fencingToken()).isPositive(); // the acquiring write's resourceVersion
          assertThat(leader.lastError()).isNull();
          LeaderEndpoint.Configuration config = leader.configuration();
          assertThat(config.leaseName()).isEqualTo("orders");
          assertThat(config.namespace()).isEqualTo("test");
          assertThat(config.mode()).isEqualTo("always-leader"); // auto, resolved
          assertThat(config.leaseDuration()).isEqualTo("20s");
          assertThat(config.renewDeadline()).isEqualTo("10s");
          assertThat(config.retryPeriod()).isEqualTo("2s");
          assertThat(config.requestTimeout()).isEqualTo("5s");
          assertThat(config.stepDownCooldown()).isEqualTo("20s");
          assertThat(config.releaseOnShutdown()).isTrue();
        });
  }

  @Test
  void stepDownReleasesTheLease() {
    endpoint().run(context -> {
      LeaderEndpoint endpoint = context.getBean(LeaderEndpoint.class);
      StepDownDescriptor result = endpoint.stepDown();
      assertThat(result.released()).isTrue();
      assertThat(result.message()).contains("released", "15s");
      assertThat(context.getBean(LeaderElection.class).isLeader()).isFalse();
      LeaderDescriptor after = endpoint.leader();
      assertThat(after.state()).isEqualTo("follower");
      assertThat(after.holder()).isNull();
      assertThat(after.fencingToken()).isNull();
      assertThat(endpoint.stepDown().released()).isFalse();
    });
  }

  @Test
  void neverLeaderIsNotCompeting() {
    endpoint().withPropertyValues("leader.election.mode=never-leader").run(context -> {
      LeaderDescriptor leader = context.getBean(LeaderEndpoint.class).leader();
      assertThat(leader.state()).isEqualTo("not-competing");
      assertThat(leader.configuration().mode()).isEqualTo("never-leader");
    });
  }

  /** Upper case: a context runner's environment lacks Boot's lenient enum conversion. */
  @Test
  void writeOperationOnlyWithUnrestrictedAccess() {
    WebApplicationContextRunner web = new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(
            io.github.leaderelection.spring.election.LeaderElectionAutoConfiguration.class,
            LeaderEndpointAutoConfiguration.class, EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class))
        .withPropertyValues("spring.application.name=orders", "leader.election.namespace=test",
            "leader.election.mode=always-leader", "management.endpoints.web.exposure.include=leader");
    web.run(context -> assertThat(operations(context.getBean(WebEndpointsSupplier.class)))
        .containsExactly(OperationType.READ, OperationType.READ)); // all, and one by name
    web.withPropertyValues("management.endpoint.leader.access=UNRESTRICTED")
        .run(context -> assertThat(operations(context.getBean(WebEndpointsSupplier.class)))
            .containsExactlyInAnyOrder(OperationType.READ, OperationType.READ, OperationType.WRITE,
                OperationType.WRITE)); // step down the default election, or one by name
    web.withPropertyValues("management.endpoint.leader.access=NONE")
        .run(context -> assertThat(context).doesNotHaveBean(LeaderEndpoint.class));
  }

  @Test
  void offWhenNotExposedDisabledOrWithoutActuator() {
    runner().withConfiguration(AutoConfigurations.of(LeaderEndpointAutoConfiguration.class))
        .run(context -> assertThat(context).doesNotHaveBean(LeaderEndpoint.class));
    endpoint().withPropertyValues("leader.election.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(LeaderEndpoint.class));
    endpoint().withClassLoader(new FilteredClassLoader(Endpoint.class)).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).doesNotHaveBean(LeaderEndpoint.class);
    });
  }

  @Test
  void userEndpointWins() {
    endpoint().withBean("mine", LeaderEndpoint.class,
            () -> new LeaderEndpoint(LeaderElectionHealthTests.stub(null), null, "custom"))
        .run(context -> assertThat(context).getBean(LeaderEndpoint.class).extracting("mode").isEqualTo("custom"));
  }

  private static List<OperationType> operations(WebEndpointsSupplier supplier) {
    ExposableWebEndpoint leader = supplier.getEndpoints().stream()
        .filter(e -> e.getEndpointId().equals(EndpointId.of("leader")))
        .findFirst().orElseThrow();
    return leader.getOperations().stream().map(o -> o.getType()).toList();
  }
}
