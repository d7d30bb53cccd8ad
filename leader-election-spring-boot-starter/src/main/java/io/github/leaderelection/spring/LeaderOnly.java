package io.github.leaderelection.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method of a Spring bean only while this instance is the acting leader
 * ({@link LeaderElection#isLeader()}); otherwise the call is skipped, logged at DEBUG and
 * counted, and returns "nothing" of its return type: {@code null}, an empty {@code Optional},
 * a future completed with {@code null}, the empty value of any reactive type Spring's
 * {@code ReactiveAdapterRegistry} knows (Reactor, RxJava 3, Kotlin {@code Flow}, ...), or zero /
 * false for primitives. A return type with no empty value (RxJava's {@code Single}) is refused
 * at startup. The admitted call's term is readable during the call from
 * {@link LeaderOnlyContext}.
 *
 * <p>Applied by a Spring AOP proxy, so only calls through the proxy are checked: the method
 * must not be {@code private}, {@code static} or {@code final} (startup fails naming such
 * methods, see {@code leader.election.leader-only.unproxyable}), and a call from another
 * method of the same bean ({@code this.method()}) is not checked at all. The check runs before
 * transactions, caching and retries of the same method ({@code leader.election.leader-only.order}).
 *
 * <p>Typically combined with {@code @Scheduled}: every instance schedules the job, one runs it.
 * With several elections, {@code @LeaderOnly("billing")} runs the method on the leader of the
 * election {@code billing} only.
 *
 * <pre>{@code
 * @Scheduled(fixedDelay = 60_000)
 * @LeaderOnly(onLoss = LeaderOnly.OnLoss.INTERRUPT)
 * void purgeExpiredOrders() { ... }
 * }</pre>
 *
 * <p>Leadership is checked when the call starts; a call that started as leader is tracked
 * until it returns. When leadership ends (or the application shuts down), the lost event and
 * the release of the lease wait for tracked calls, bounded by
 * {@code leader.election.shutdown-timeout}. For methods returning a {@code Mono}, {@code Flux}
 * or future, only the invocation itself is checked and tracked, not the work it schedules.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface LeaderOnly {

  /**
   * The election whose leadership the method needs: a name configured under
   * {@code leader.election.elections}; empty (or {@code "default"}) for the default election.
   * An unknown name fails startup, naming the method and the elections there are.
   */
  String value() default "";

  /** What happens to a call that is still running when leadership is lost. */
  OnLoss onLoss() default OnLoss.FINISH;

  /** What happens to a running call when leadership is lost. */
  enum OnLoss {
    /** Let it finish; the lost event and the release wait for it (bounded). */
    FINISH,
    /**
     * Interrupt its thread, then wait for it as with {@link #FINISH}. The interrupt is meant
     * for the method only and is cleared when it returns, so it does not reach the caller.
     */
    INTERRUPT
  }
}
