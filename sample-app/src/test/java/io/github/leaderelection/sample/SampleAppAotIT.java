package io.github.leaderelection.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.leaderelection.testsupport.ApiServerHandle;
import io.github.leaderelection.testsupport.RealApiServer;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample application, AOT-processed by {@code spring-boot:process-aot} (profile aot), run
 * in AOT mode ({@code -Dspring.aot.enabled=true}: the generated bean definitions instead of
 * configuration-class parsing and condition evaluation at startup) as two separate JVMs on the
 * real API server: one leads, and when it is stopped gracefully (SIGTERM) the other takes over
 * on the release, well before the lease would expire. Also checks that the native-image
 * metadata process-aot wrote holds the starter's hints. No native image is built.
 */
@RealApiServer
class SampleAppAotIT {

  /** Long enough that a takeover within it can only come from the release, not from expiry. */
  private static final Duration LEASE_DURATION = Duration.ofSeconds(12);

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final List<Instance> instances = new ArrayList<>();

  @AfterEach
  void stopAll() {
    instances.forEach(i -> i.process.destroyForcibly());
  }

  @Test
  void aotProcessedReplicasElectAndHandOverOnTheRealApiServer(ApiServerHandle server, @TempDir Path dir)
      throws Exception {
    Path classes = Path.of(required("sample.aot.classes"));
    assertThat(classes.resolve("io/github/leaderelection/sample/SampleApplication__ApplicationContextInitializer.class"))
        .as("process-aot output; run with -Paot").exists();
    assertThat(nativeImageMetadata(classes)).as("native-image metadata written by process-aot")
        .contains("io.kubernetes.client.openapi.models.V1Lease")
        .contains("io.kubernetes.client.openapi.models.CoreV1Event")
        .contains("io.kubernetes.client.util.Watch$Response");

    String classpath = classes + File.pathSeparator
        + Files.readString(Path.of(required("sample.aot.classpath.file"))).trim();
    Path kubeconfig = server.writeRestrictedKubeconfig(dir.resolve("kubeconfig"));
    String lease = server.uniqueName("sample-aot");
    Instance a = start("aot-a", classpath, kubeconfig, lease, server, dir);
    Instance b = start("aot-b", classpath, kubeconfig, lease, server, dir);

    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
        .until(() -> a.leader() != null && b.leader() != null && (a.leader() ^ b.leader()));
    Instance leader = a.leader() ? a : b;
    Instance follower = leader == a ? b : a;
    assertThat(holder(server, lease)).isEqualTo(leader.identity);
    assertThat(leader.log()).contains("Starting AOT-processed SampleApplication");
    assertThat(follower.log()).contains("Starting AOT-processed SampleApplication");

    long stop = System.nanoTime();
    leader.process.destroy(); // SIGTERM: graceful shutdown, the lease is released
    await().atMost(LEASE_DURATION.dividedBy(2)).pollInterval(Duration.ofMillis(100))
        .until(() -> Boolean.TRUE.equals(follower.leader()));
    Duration takeover = Duration.ofNanos(System.nanoTime() - stop);
    assertThat(holder(server, lease)).isEqualTo(follower.identity);
    assertThat(leader.process.waitFor(30, TimeUnit.SECONDS)).as("the stopped leader exits").isTrue();
    assertThat(leader.log()).contains("stopped leading lease " + lease + " (SHUTDOWN)");
    assertThat(takeover).as("taken over on the release").isLessThan(LEASE_DURATION.dividedBy(2));
  }

  private Instance start(String identity, String classpath, Path kubeconfig, String lease, ApiServerHandle server,
      Path dir) throws IOException {
    int port = freePort();
    Path log = dir.resolve(identity + ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Dspring.aot.enabled=true", "-Xmx256m", "-XX:TieredStopAtLevel=1",
        "-cp", classpath, SampleApplication.class.getName(),
        "--server.port=" + port,
        "--leader.election.mode=kubernetes",
        "--leader.election.kubeconfig=" + kubeconfig,
        "--leader.election.namespace=" + server.namespace(),
        "--leader.election.lease-name=" + lease,
        "--leader.election.identity=" + identity,
        "--leader.election.lease-duration=" + LEASE_DURATION.toSeconds() + "s",
        "--leader.election.renew-deadline=8s",
        "--leader.election.retry-period=2s",
        "--sample.cleanup.interval=1s")
        .redirectErrorStream(true).redirectOutput(log.toFile());
    // Whatever the machine: only the kubeconfig given above, never an in-cluster configuration.
    pb.environment().remove("KUBECONFIG");
    pb.environment().remove("KUBERNETES_SERVICE_HOST");
    Instance instance = new Instance(identity, port, log, pb.start());
    instances.add(instance);
    return instance;
  }

  private static String holder(ApiServerHandle server, String lease) throws Exception {
    return new CoordinationV1Api(server.adminClient()).readNamespacedLease(lease, server.namespace()).execute()
        .getSpec().getHolderIdentity();
  }

  private static String nativeImageMetadata(Path classes) throws IOException {
    Path dir = classes.resolve("META-INF/native-image");
    assertThat(dir).exists();
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        all.append(Files.readString(f));
      }
    }
    return all.toString();
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    assertThat(value).as("system property " + property + " (set by the aot profile)").isNotBlank();
    return value;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private record Instance(String identity, int port, Path logFile, Process process) {
    /** What GET /leader says, or null while the instance does not answer. */
    Boolean leader() {
      if (!process.isAlive()) {
        throw new AssertionError(identity + " exited with " + process.exitValue() + ":\n" + log());
      }
      try {
        String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/leader"))
            .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString()).body();
        return body.contains("\"leader\":true") ? Boolean.TRUE : body.contains("\"leader\":false") ? Boolean.FALSE : null;
      } catch (IOException e) {
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }

    String log() {
      try {
        return Files.readString(logFile);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
