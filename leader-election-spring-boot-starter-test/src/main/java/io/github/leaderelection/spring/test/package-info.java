/**
 * A test kit for applications that use the leader election starter: each election (the default
 * one and the named ones) runs its real core elector on a lease the test controls
 * ({@link io.github.leaderelection.spring.test.LeadershipControl}), with no API server, so that
 * events, {@code @LeaderOnly}, health, meters and the {@code leader} endpoint behave as with a
 * real lease; and recorders of what happened
 * ({@link io.github.leaderelection.spring.test.LeadershipEvents},
 * {@link io.github.leaderelection.spring.test.LeaderOnlyInvocations}).
 *
 * <p>Switched on explicitly, per test, with
 * {@link io.github.leaderelection.spring.test.AutoConfigureLeaderElectionControl} (or, for an
 * {@code ApplicationContextRunner}, {@link io.github.leaderelection.spring.test.LeaderElectionTestKit#autoConfigurations()}):
 * it is not a regular auto-configuration, so the jar on an application's runtime classpath
 * changes nothing.
 *
 * <p>Non-null unless annotated otherwise (JSpecify, as Spring Framework 7 declares its API).
 */
@NullMarked
package io.github.leaderelection.spring.test;

import org.jspecify.annotations.NullMarked;
