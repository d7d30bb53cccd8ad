package io.github.leaderelection.spring.leaderonly;

import io.github.leaderelection.spring.LeaderElections;
import io.github.leaderelection.spring.LeaderOnly;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.Advisor;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.scope.ScopedObject;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Checks every bean with {@link LeaderOnly} methods once it is fully post-processed (proxied):
 * a method the proxy cannot intercept would run on every instance, silently. That is a
 * {@code static} or {@code private} method, a {@code final} one under a class-based proxy
 * (CGLIB says so only at INFO for public ones, and not at all for package-private ones), a
 * package-private one inherited from another package, one that no interface of a JDK proxy
 * declares, and any method of a bean that was not proxied with the advice at all.
 *
 * <p>With {@link Unproxyable#FAIL} (the default) startup fails naming every such method; with
 * {@link Unproxyable#WARN} each is logged at WARN and runs unguarded. Methods whose return type
 * a skipped call cannot express ({@link SkippedValues#canExpress}) fail in both modes: there is
 * no value to return. Beans created after startup (lazy ones) fail when they are created.
 * Self-invocation ({@code this.method()}) bypasses any proxy and cannot be seen from here.
 */
public class LeaderOnlyVerifier implements BeanPostProcessor, SmartInitializingSingleton, Ordered {

  /** What to do about {@link LeaderOnly} methods the proxy cannot intercept. */
  public enum Unproxyable {
    /** Fail startup, naming each method. */
    FAIL,
    /** Log a WARN per method; they run on every instance. */
    WARN
  }

  private static final Logger log = LoggerFactory.getLogger(LeaderOnlyVerifier.class);

  private final Unproxyable mode;
  /** The elections a {@link LeaderOnly#value()} may name; empty: the default only. */
  private final java.util.Set<String> elections;
  private final SkippedValues skippedValues = SkippedValues.shared();
  private final Map<Class<?>, List<Method>> annotated = new ConcurrentHashMap<>();
  private final List<String> unproxyable = new ArrayList<>(); // guarded by this
  private final List<String> unexpressible = new ArrayList<>(); // guarded by this
  private volatile boolean started;

  /** @param mode what to do about methods the proxy cannot intercept */
  public LeaderOnlyVerifier(Unproxyable mode) {
    this(mode, java.util.Set.of());
  }

  /**
   * @param mode what to do about methods the proxy cannot intercept
   * @param elections the names of the named elections ({@code leader.election.elections});
   *     a method naming another election fails startup, in both modes
   */
  public LeaderOnlyVerifier(Unproxyable mode, java.util.Set<String> elections) {
    this.mode = mode;
    this.elections = java.util.Set.copyOf(elections);
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (bean instanceof ScopedObject) {
      return bean; // a scoped proxy: its target bean is created, proxied and checked on its own
    }
    Class<?> type = ClassUtils.getUserClass(AopUtils.getTargetClass(bean));
    List<Method> methods = annotated.computeIfAbsent(type, LeaderOnlyVerifier::leaderOnlyMethods);
    if (methods.isEmpty()) {
      return bean;
    }
    List<String> notIntercepted = new ArrayList<>();
    List<String> noSkippedValue = new ArrayList<>();
    for (Method m : methods) {
      String election = LeaderOnlyInterceptor.election(m);
      String why = whyNotIntercepted(bean, type, m);
      if (!election.equals(LeaderElections.DEFAULT) && !elections.contains(election)) {
        java.util.Set<String> known = new java.util.TreeSet<>(elections);
        noSkippedValue.add(name(type, m) + ": names election '" + election + "', which is not configured; the"
            + " elections are " + LeaderElections.DEFAULT + (known.isEmpty() ? "" : ", " + String.join(", ", known))
            + " (named ones under leader.election.elections.<name>)");
      } else if (why != null) {
        notIntercepted.add(name(type, m) + ": " + why);
      } else if (!skippedValues.canExpress(m.getReturnType())) {
        noSkippedValue.add(name(type, m) + ": a skipped call cannot return a " + m.getReturnType().getName()
            + " (no empty value of that type); return a type that can be empty (Maybe, Mono, Optional, ...)");
      }
    }
    if (mode == Unproxyable.WARN) {
      notIntercepted.forEach(p -> log.warn("@LeaderOnly is not applied, the method runs on every instance: {}"
          + " (bean '{}')", p, beanName));
    }
    boolean failNotIntercepted = mode == Unproxyable.FAIL && !notIntercepted.isEmpty();
    if (started && (failNotIntercepted || !noSkippedValue.isEmpty())) {
      List<String> all = new ArrayList<>(failNotIntercepted ? notIntercepted : List.of());
      all.addAll(noSkippedValue);
      throw new LeaderOnlyNotApplicableException(all, failNotIntercepted);
    }
    synchronized (this) {
      if (failNotIntercepted) {
        unproxyable.addAll(notIntercepted);
      }
      unexpressible.addAll(noSkippedValue);
    }
    return bean;
  }

  /** Fails startup with every method found among the beans created so far. */
  @Override
  public void afterSingletonsInstantiated() {
    started = true;
    List<String> notIntercepted;
    List<String> all;
    synchronized (this) {
      notIntercepted = List.copyOf(unproxyable);
      all = new ArrayList<>(unproxyable);
      all.addAll(unexpressible);
      unproxyable.clear();
      unexpressible.clear();
    }
    annotated.clear(); // later (lazy) beans are few; no need to keep every class seen
    if (!all.isEmpty()) {
      throw new LeaderOnlyNotApplicableException(all, !notIntercepted.isEmpty());
    }
  }

  /** Null when calls through {@code bean} are intercepted, else why not. */
  private static String whyNotIntercepted(Object bean, Class<?> type, Method m) {
    int modifiers = m.getModifiers();
    if (Modifier.isStatic(modifiers)) {
      return "static: a proxy intercepts instance methods only";
    }
    if (Modifier.isPrivate(modifiers)) {
      return "private: a proxy cannot override it, so only self-invocation reaches it, unguarded";
    }
    if (!(bean instanceof Advised advised) || !hasOurAdvice(advised)) {
      return "the bean is not proxied with the @LeaderOnly advice (created before the auto-proxy creator,"
          + " as a BeanPostProcessor or one of its dependencies, or by hand)";
    }
    if (Proxy.isProxyClass(bean.getClass())) {
      boolean declared = Arrays.stream(advised.getProxiedInterfaces())
          .anyMatch(i -> ReflectionUtils.findMethod(i, m.getName(), m.getParameterTypes()) != null);
      return declared ? null : "no interface of the JDK proxy declares it (spring.aop.proxy-target-class=false),"
          + " so calls through the proxy cannot reach it";
    }
    if (Modifier.isFinal(modifiers)) {
      return "final: a class-based (CGLIB) proxy cannot override it";
    }
    boolean packagePrivate = !Modifier.isPublic(modifiers) && !Modifier.isProtected(modifiers);
    if (packagePrivate && !m.getDeclaringClass().getPackageName().equals(type.getPackageName())) {
      return "package-private in another package than the bean's class: the class-based proxy cannot override it";
    }
    return null;
  }

  private static boolean hasOurAdvice(Advised advised) {
    for (Advisor a : advised.getAdvisors()) {
      if (a instanceof LeaderOnlyAdvisor || a.getAdvice() instanceof LeaderOnlyInterceptor) {
        return true;
      }
    }
    return false;
  }

  /** Every method of the class and its superclasses that {@link LeaderOnly} applies to, as the pointcut sees it. */
  private static List<Method> leaderOnlyMethods(Class<?> type) {
    if (type.getName().startsWith("java.") || type.getName().startsWith("org.springframework.")) {
      return List.of(); // no @LeaderOnly there; keeps the scan off the framework's own beans
    }
    return Arrays.stream(ReflectionUtils.getUniqueDeclaredMethods(type, ReflectionUtils.USER_DECLARED_METHODS))
        .filter(m -> !m.isBridge() && !m.isSynthetic())
        .filter(m -> AnnotatedElementUtils.hasAnnotation(m, LeaderOnly.class))
        .collect(Collectors.toList());
  }

  private static String name(Class<?> type, Method m) {
    return ClassUtils.getShortName(type) + "." + m.getName() + "("
        + Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", ")) + ")";
  }

  /** After every other post-processor, so the bean is checked as it will be injected. */
  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
