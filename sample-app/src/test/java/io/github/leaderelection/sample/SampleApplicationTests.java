package io.github.leaderelection.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.leaderelection.spring.LeaderElection;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** With no cluster and no kubeconfig, the sample runs as the only leader (mode auto). */
@SpringBootTest(properties = {"sample.cleanup.interval=100ms", "spring.main.web-application-type=none"})
class SampleApplicationTests {

  @Autowired
  LeaderElection election;

  @Autowired
  CleanupJob job;

  @Test
  void withoutAClusterItIsTheLeaderAndRunsTheJob() {
    assertThat(election.isLeader()).isTrue();
    assertThat(election.fencingToken()).isPresent();
    await().atMost(Duration.ofSeconds(10)).until(() -> job.runs() >= 3);
  }
}
