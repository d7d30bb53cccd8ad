package io.github.leaderelection.spring.leaderonly;

import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.spring.LeaderElections;
import io.github.leaderelection.spring.LeaderOnly;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * Runs a {@link LeaderOnly} method only while this instance is the acting leader; see
 * {@link SkippedValues} for what a skipped call returns. Each call is tracked by
 * {@link LeaderOnlyExecutions} from before its leadership check until it returns, and an
 * admitted call's term is bound to its thread meanwhile ({@link io.github.leaderelection.spring.LeaderOnlyContext}).
 */
public class LeaderOnlyInterceptor implements MethodInterceptor {

  private static final Logger log = LoggerFactory.getLogger(LeaderOnlyInterceptor.class);
  private static final SkippedValues SKIPPED_VALUES = SkippedValues.shared();

  private record Target(String name, String election, LeaderOnly.OnLoss onLoss) {}

  private final Function<String, LeaderElection> elections;
  private final Supplier<LeaderOnlyExecutions> executions;
  private final Map<MethodClassKey, Target> targets = new ConcurrentHashMap<>();

  /**
   * An interceptor of the default election only.
   *
   * @param election the election to ask; resolved on first use, since advisors are created
   *     early, before most beans
   * @param executions the tracker of running and skipped calls; resolved on first use
   */
  public LeaderOnlyInterceptor(Supplier<LeaderElection> election, Supplier<LeaderOnlyExecutions> executions) {
    this(name -> election.get(), executions);
  }

  /**
   * @param elections the election of each name ({@link LeaderOnly#value()}, the default
   *     election's name for an empty one); asked on each call, so it resolves lazily
   * @param executions the tracker of running and skipped calls; resolved on first use
   */
  public LeaderOnlyInterceptor(Function<String, LeaderElection> elections, Supplier<LeaderOnlyExecutions> executions) {
    this.elections = elections;
    this.executions = executions;
  }

  /** The election a {@link LeaderOnly} method names: the default one's name when empty. */
  static String election(Method method) {
    LeaderOnly annotation = AnnotatedElementUtils.findMergedAnnotation(method, LeaderOnly.class);
    String name = annotation != null ? annotation.value() : "";
    return name.isEmpty() ? LeaderElections.DEFAULT : name;
  }

  @Override
  public Object invoke(MethodInvocation invocation) throws Throwable {
    Target target = target(invocation);
    LeaderOnlyExecutions tracker = executions.get();
    LeaderOnlyExecutions.Execution execution = tracker.enter(target.name, target.election, target.onLoss);
    Optional<LeadershipTerm> term;
    try {
      term = elections.apply(target.election).currentTerm();
    } catch (RuntimeException | Error e) {
      tracker.exit(execution);
      throw e;
    }
    if (term.isEmpty()) {
      log.debug("Skipped {}: this instance is not the leader", target.name);
      tracker.skipped(execution);
      return skippedValue(invocation.getMethod().getReturnType());
    }
    tracker.proceeding(execution, term.get());
    try {
      return invocation.proceed();
    } finally {
      tracker.exit(execution);
    }
  }

  private Target target(MethodInvocation invocation) {
    Method method = invocation.getMethod();
    Class<?> targetClass = invocation.getThis() != null
        ? AopUtils.getTargetClass(invocation.getThis()) : method.getDeclaringClass();
    return targets.computeIfAbsent(new MethodClassKey(method, targetClass), key -> {
      Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
      LeaderOnly annotation = AnnotatedElementUtils.findMergedAnnotation(specific, LeaderOnly.class);
      if (annotation == null) {
        annotation = AnnotatedElementUtils.findMergedAnnotation(method, LeaderOnly.class);
      }
      LeaderOnly.OnLoss onLoss = annotation != null ? annotation.onLoss() : LeaderOnly.OnLoss.FINISH;
      String election = annotation == null || annotation.value().isEmpty() ? LeaderElections.DEFAULT : annotation.value();
      return new Target(ClassUtils.getShortName(targetClass) + "." + method.getName(), election, onLoss);
    });
  }

  /** What a skipped call returns: "nothing" in the return type's own terms; see {@link SkippedValues}. */
  static Object skippedValue(Class<?> type) {
    return SKIPPED_VALUES.of(type);
  }
}
