package io.github.leaderelection.spring.leaderonly;

import io.github.leaderelection.spring.LeaderOnly;
import org.aopalliance.aop.Advice;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;

/**
 * Applies {@link LeaderOnlyInterceptor} to methods annotated with {@link LeaderOnly} (on the
 * method, an overridden method or an interface method). A plain advisor bean of the
 * infrastructure role: Spring's auto-proxy creator finds it and proxies matching beans, the
 * same way it applies {@code @Transactional}, so it works with AOT processing.
 */
public class LeaderOnlyAdvisor extends AbstractPointcutAdvisor {

  private final transient Pointcut pointcut = new AnnotationMatchingPointcut(null, LeaderOnly.class, true);
  private final transient LeaderOnlyInterceptor interceptor;

  public LeaderOnlyAdvisor(LeaderOnlyInterceptor interceptor) {
    this.interceptor = interceptor;
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
