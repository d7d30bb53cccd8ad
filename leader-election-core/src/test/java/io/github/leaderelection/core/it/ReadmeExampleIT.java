package io.github.leaderelection.core.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.KubernetesLeaseStore;
import io.github.leaderelection.core.LeaderElector;
import io.github.leaderelection.core.LeadershipListener;
import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.core.LeaseStore;
import io.github.leaderelection.core.LossReason;
import io.github.leaderelection.testsupport.ApiServerHandle;
import io.github.leaderelection.testsupport.RealApiServer;
import io.kubernetes.client.util.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's plain-Java example, as written there, on the real API server: it compiles, it
 * elects, and closing it announces the loss and releases the lease.
 */
@RealApiServer
class ReadmeExampleIT {

  @Test
  void thePlainJavaExampleElectsAndReleases(ApiServerHandle server, @TempDir Path dir) throws Exception {
    String readme = Files.readString(locate("README.md"));
    String example = readme.substring(readme.indexOf("## Plain Java"));
    example = example.substring(0, example.indexOf("```", example.indexOf("```java") + 7));
    // The lines this test runs, as the README has them (only the client and the lease name differ).
    assertThat(example)
        .contains("ElectionConfig config = ElectionConfig.builder(\"orders-cleanup\").build();")
        .contains("LeaseStore store = new KubernetesLeaseStore(Config.defaultClient(), config);")
        .contains("try (LeaderElector elector = LeaderElector.builder(config, store)")
        .contains("public void onElected(LeadershipTerm term) { ... }")
        .contains("public void onLost(LeadershipTerm term, LossReason reason) { ... }")
        .contains("elector.start();");

    Path kubeconfig = server.writeRestrictedKubeconfig(dir.resolve("kubeconfig"));
    List<String> heard = new CopyOnWriteArrayList<>();
    String lease = server.uniqueName("orders-cleanup");
    ElectionConfig config = ElectionConfig.builder(lease).namespace(server.namespace()).build();
    LeaseStore store = new KubernetesLeaseStore(Config.fromConfig(kubeconfig.toString()), config);
    try (LeaderElector elector = LeaderElector.builder(config, store)
        .listener(new LeadershipListener() {
          @Override
          public void onElected(LeadershipTerm term) {
            heard.add("elected");
          }

          @Override
          public void onLost(LeadershipTerm term, LossReason reason) {
            heard.add("lost " + reason);
          }
        })
        .build()) {
      elector.start();
      await().atMost(Duration.ofSeconds(20)).until(elector::isLeader);
    }
    assertThat(heard).containsExactly("elected", "lost SHUTDOWN");
    assertThat(store.get().record().holder()).isEmpty(); // released
  }

  private static Path locate(String file) {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve(file))) {
      dir = dir.getParent();
    }
    return dir.resolve(file);
  }
}
