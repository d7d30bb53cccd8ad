package io.github.leaderelection.spring.election;

import static io.github.leaderelection.spring.TestRunners.runner;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.leaderelection.spring.LeaderElection;
import io.kubernetes.client.openapi.ApiClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** When Kubernetes Events are recorded; what they say is checked on a real server (KubernetesEventsIT). */
@ExtendWith(OutputCaptureExtension.class)
class KubernetesEventRecorderTests {

  @Test
  void offByDefault() {
    runner().run(context -> assertThat(context).doesNotHaveBean(KubernetesEventRecorder.class));
  }

  @Test
  void recordsNothingWhenNotOnKubernetes() {
    runner().withPropertyValues("leader.election.events.kubernetes.enabled=true", "leader.election.mode=always-leader")
        .run(context -> {
          assertThat(context).hasSingleBean(KubernetesEventRecorder.class);
          assertThat(context.getBean(LeaderElection.class).isLeader()).isTrue();
          assertThat(context.getBean(KubernetesEventRecorder.class)).extracting("executor").isNull();
        });
  }

  @Test
  void unreachableServerNeverAffectsTheElection(CapturedOutput output) {
    runner().withPropertyValues("leader.election.events.kubernetes.enabled=true", "leader.election.mode=kubernetes")
        .withBean(ApiClient.class, () -> new ApiClient().setBasePath("http://127.0.0.1:1"))
        .run(context -> {
          assertThat(context).hasNotFailed();
          KubernetesEventRecorder recorder = context.getBean(KubernetesEventRecorder.class);
          recorder.onElected(new io.github.leaderelection.core.LeadershipTerm("orders", "test", "me", 1,
              java.time.Instant.EPOCH));
          recorder.destroy(); // waits for the pending event
          assertThat(output).contains("Could not record Kubernetes event \"me became leader (fencing token 1)\"",
              "Leader election is not affected");
        });
  }

  @Test
  void userRecorderWins() {
    runner().withPropertyValues("leader.election.events.kubernetes.enabled=true")
        .withBean("mine", KubernetesEventRecorder.class,
            () -> KubernetesEventRecorder.disabled(io.github.leaderelection.core.ElectionConfig.builder("x")
                .namespace("test").build()))
        .run(context -> assertThat(context).hasSingleBean(KubernetesEventRecorder.class).hasBean("mine"));
  }
}
