package io.github.leaderelection.spring.election;

import io.github.leaderelection.core.InvalidElectionConfigException;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Builds the {@link ApiClient} when the application defines none. Unlike
 * {@code ClientBuilder.standard()} it never falls back to {@code http://localhost:8080}: with
 * no configuration found it fails and says what to set. Per-request timeouts are applied by
 * the lease store, below the renew deadline, so the client's own defaults are kept.
 */
final class KubernetesApiClients {

  private static final Logger log = LoggerFactory.getLogger(KubernetesApiClients.class);

  private KubernetesApiClients() {}

  /**
   * In order: {@code leader.election.kubeconfig}, the in-cluster service account, the first
   * existing file of {@code KUBECONFIG}, {@code ~/.kube/config}.
   */
  static ApiClient create(String kubeconfigProperty, Environment environment) {
    if (StringUtils.hasText(kubeconfigProperty)) {
      Path file = Path.of(kubeconfigProperty);
      try {
        return fromKubeconfig(file);
      } catch (IOException | RuntimeException e) {
        throw new InvalidElectionConfigException("kubeconfig", kubeconfigProperty,
            "must name a readable kubeconfig file (" + e.getMessage() + ")");
      }
    }
    try {
      if (StringUtils.hasText(environment.getProperty("KUBERNETES_SERVICE_HOST"))) {
        log.debug("Leader election uses the in-cluster Kubernetes configuration");
        return ClientBuilder.cluster().build();
      }
      Path file = kubeconfigFromEnvironment(environment);
      if (file != null) {
        return fromKubeconfig(file);
      }
    } catch (IOException e) {
      throw new IllegalStateException("Could not configure the Kubernetes client for leader election: "
          + e.getMessage(), e);
    }
    throw new IllegalStateException("No Kubernetes API server configured for leader election: not in a"
        + " cluster, no KUBECONFIG, no ~/.kube/config. Set leader.election.kubeconfig, define an"
        + " ApiClient bean, or set leader.election.mode=always-leader to run without Kubernetes.");
  }

  /**
   * Whether any configuration that client-java's {@code ClientBuilder.standard()} reads exists:
   * the in-cluster service account, a {@code KUBECONFIG} file, {@code ~/.kube/config} (of
   * {@code user.home} or of {@code HOME}, which is what ClientBuilder reads). When none does, a
   * client it built points at its fallback, {@link #CLIENT_JAVA_FALLBACK}.
   */
  static boolean clientJavaConfigurationExists(Environment environment) {
    if (StringUtils.hasText(environment.getProperty("KUBERNETES_SERVICE_HOST"))) {
      return true;
    }
    if (kubeconfigFromEnvironment(environment) != null) {
      return true;
    }
    String home = environment.getProperty("HOME");
    return StringUtils.hasText(home) && Files.isRegularFile(Path.of(home, ".kube", "config"));
  }

  /** Where {@code ClientBuilder.standard()} / {@code defaultClient()} connect when they find no configuration. */
  static final String CLIENT_JAVA_FALLBACK = "http://localhost:8080";

  private static Path kubeconfigFromEnvironment(Environment environment) {
    String list = environment.getProperty("KUBECONFIG");
    if (StringUtils.hasText(list)) {
      // kubectl merges the files of the list; the first existing one is enough to connect.
      for (String entry : list.split(File.pathSeparator)) {
        if (!entry.isBlank() && Files.isRegularFile(Path.of(entry))) {
          return Path.of(entry);
        }
      }
    }
    Path home = Path.of(System.getProperty("user.home"), ".kube", "config");
    return Files.isRegularFile(home) ? home : null;
  }

  private static ApiClient fromKubeconfig(Path file) throws IOException {
    log.debug("Leader election uses the kubeconfig {}", file);
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      KubeConfig config = KubeConfig.loadKubeConfig(reader);
      config.setFile(file.toFile()); // resolves certificate paths relative to the file
      return ClientBuilder.kubeconfig(config).build();
    }
  }
}
