/**
 * Micrometer meters of the election and of {@code @LeaderOnly} calls, configured when
 * micrometer-core is on the classpath and a {@code MeterRegistry} bean exists.
 */
package io.github.leaderelection.spring.metrics;
