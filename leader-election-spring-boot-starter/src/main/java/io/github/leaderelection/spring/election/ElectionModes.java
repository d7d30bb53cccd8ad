package io.github.leaderelection.spring.election;

import io.github.leaderelection.spring.election.LeaderElectionProperties.Mode;
import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Resolves {@code leader.election.mode}: {@code auto} becomes {@link Mode#KUBERNETES} when
 * Spring Boot detects Kubernetes or a kubeconfig is configured explicitly, else
 * {@link Mode#ALWAYS_LEADER}. Resolved when beans are created, at run time, never in a bean
 * condition (AOT evaluates those at build time).
 */
public final class ElectionModes {

  static final String KUBECONFIG_PROPERTY = "leader.election.kubeconfig";

  private ElectionModes() {}

  /**
   * The configured mode, {@code auto} resolved: the mode the election runs in. Public for
   * the actuator endpoint, which reports it.
   */
  public static Mode resolve(Mode configured, Environment environment) {
    if (configured != Mode.AUTO) {
      return configured;
    }
    return kubernetesSignal(environment) != null ? Mode.KUBERNETES : Mode.ALWAYS_LEADER;
  }

  /** What says this application talks to Kubernetes, or null when nothing does. */
  static String kubernetesSignal(Environment environment) {
    if (CloudPlatform.getActive(environment) == CloudPlatform.KUBERNETES) {
      return "running on Kubernetes";
    }
    if (StringUtils.hasText(environment.getProperty(KUBECONFIG_PROPERTY))) {
      return KUBECONFIG_PROPERTY + " is set";
    }
    if (StringUtils.hasText(environment.getProperty("KUBECONFIG"))) {
      return "KUBECONFIG is set";
    }
    return null;
  }
}
