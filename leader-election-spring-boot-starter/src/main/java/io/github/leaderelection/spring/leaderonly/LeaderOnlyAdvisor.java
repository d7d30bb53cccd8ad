package io.github.leaderelection.spring.leaderonly;

import io.github.leaderelection.spring.LeaderOnly;
import org.aopalliance.aop.Advice;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.core.Ordered;

/**
 * Applies {@link LeaderOnlyInterceptor} to methods annotated with {@link LeaderOnly} (on the
 * method, an overridden method or an interface method). A plain advisor bean of the
 * infrastructure role: Spring's auto-proxy creator finds it and proxies matching beans, the
 * same way it applies {@code @Transactional}, so it works with AOT processing.
 *
 * <h2>Order</h2>
 * {@link #DEFAULT_ORDER} unless set ({@code leader.election.leader-only.order}). Spring runs
 * advisors of a lower order first, that is outside the others, and Spring's transaction,
 * caching and retry advisors default to {@link Ordered#LOWEST_PRECEDENCE}: with an
 * undefined order among equals, a follower's skipped call could open and commit a transaction,
 * fill a cache with the skipped value or be retried. Running first, a skipped call does none of
 * that, and an admitted one runs inside them. {@code @Async} is the exception, by Spring's
 * design: its post-processor puts its advice before every advisor of an existing proxy, so the
 * check runs on the executor thread, around the work itself, which is what leader work needs
 * (it must start inside the term, and the loss waits for it).
 */
public class LeaderOnlyAdvisor extends AbstractPointcutAdvisor {

  /**
   * {@code Ordered.HIGHEST_PRECEDENCE + 100}: before Spring's transaction, caching and retry
   * advice, with room below for advice that must see every call, skipped or not.
   */
  public static final int DEFAULT_ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

  private final transient Pointcut pointcut = new AnnotationMatchingPointcut(null, LeaderOnly.class, true);
  private final transient LeaderOnlyInterceptor interceptor;

  /** An advisor of order {@link #DEFAULT_ORDER}; {@link #setOrder} changes it. */
  public LeaderOnlyAdvisor(LeaderOnlyInterceptor interceptor) {
    this.interceptor = interceptor;
    setOrder(DEFAULT_ORDER);
  }

  @Override
  public Pointcut getPointcut() {
    return pointcut;
  }

  @Override
  public Advice getAdvice() {
    return interceptor;
  }
}
