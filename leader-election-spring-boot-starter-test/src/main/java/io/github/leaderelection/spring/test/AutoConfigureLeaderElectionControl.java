package io.github.leaderelection.spring.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;

/**
 * Puts the election of the test's application context on a lease the test controls:
 * {@link LeadershipControl} grants and revokes leadership, {@link LeadershipEvents} and
 * {@link LeaderOnlyInvocations} record what happened. Everything past the lease is the
 * starter's real code: the core elector, the events, {@code @LeaderOnly}, health, meters and
 * the {@code leader} endpoint.
 *
 * <pre>{@code
 * @SpringBootTest
 * @AutoConfigureLeaderElectionControl
 * class CleanupTests {
 *   @Autowired LeadershipControl leadership;
 *   ...
 * }
 * }</pre>
 *
 * <h2>Why an annotation</h2>
 * The kit is not listed as a regular auto-configuration: a test kit that leaked onto a
 * production classpath must not replace the application's Kubernetes lease. It is imported only
 * where a test asks for it: this annotation (the configurations in
 * {@code META-INF/spring/io.github.leaderelection.spring.test.AutoConfigureLeaderElectionControl.imports},
 * Spring Boot's convention for {@code @AutoConfigure...} annotations), or
 * {@link LeaderElectionTestKit#autoConfigurations()} for an {@code ApplicationContextRunner}.
 *
 * <h2>What it changes</h2>
 * <ul>
 *   <li>The {@code LeaseStore} bean: an in-memory lease with the API server's semantics (the
 *       application's own {@code LeaseStore} bean, if it has one, is kept, and
 *       {@link LeadershipControl} then refuses to start).</li>
 *   <li>The {@code ElectionLeaseStoreFactory} bean: the same kind of lease for each named
 *       election ({@code leader.election.elections.<name>}), each controlled on its own with
 *       {@link LeadershipControl#election(String)} (an application's own factory is kept, and
 *       with named elections the control then refuses to start).</li>
 *   <li>When the test sets none of {@code leader.election.lease-duration}, {@code renew-deadline},
 *       {@code retry-period} and {@code request-timeout}: 5 s, 3 s, 1 s (and the default request
 *       timeout); when it sets no {@code step-down-cooldown}: 1 s. Lowest precedence, so any
 *       value the application or the test sets wins; {@code leader.election.test.fast-timings=false}
 *       turns this off. Named elections inherit these as any top-level value; one that sets
 *       some of its own timings keeps the starter's defaults for the others.</li>
 *   <li>Before each test method, {@link LeadershipControl#reset()}: this instance leads every
 *       election again and the recorders are emptied, so test classes sharing a cached context
 *       do not see each other's leadership
 *       ({@code leader.election.test.reset-before-each-test=false} turns this off).</li>
 * </ul>
 * The mode is not changed: in the default mode without Kubernetes (always-leader) the
 * application starts as the leader, as it would without the kit; {@code never-leader} never
 * competes, so {@link LeadershipControl#grant()} refuses.
 *
 * <p>Also imports the starter's election and {@code @LeaderOnly} auto-configurations, so that
 * it works in a test slice or a plain Spring test that does not run all auto-configurations
 * (the actuator parts come only with the actuator's own auto-configuration).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
public @interface AutoConfigureLeaderElectionControl {}
