/**
 * Actuator support: the {@code leaderElection} health contributor and the {@code leader}
 * endpoint. Each is configured only when its library (spring-boot-health,
 * spring-boot-actuator) is on the classpath.
 */
package io.github.leaderelection.spring.actuate;
