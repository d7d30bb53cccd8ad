package io.github.leaderelection.spring.election;

import io.github.leaderelection.spring.election.LeaderElectionProperties.Election;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.Lifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Keeps the beans bound to an election from starting on their own: Spring starts every
 * {@link SmartLifecycle} whose {@code isAutoStartup()} is true on every instance, which is what
 * binding a component to leadership must prevent. Before a bound bean is initialized, its
 * {@code setAutoStartup(false)} is called (message listener containers of Spring JMS, AMQP and
 * Kafka and Spring Integration endpoints have one); a bean still auto-starting after
 * initialization, a bean that is not a {@link Lifecycle}, a bean bound to two elections and a
 * name no bean has fail startup, naming the property.
 *
 * <p>The properties are read with a {@link Binder}: a post-processor is created before the
 * beans that hold configuration properties.
 */
final class LeadershipBoundComponentsPostProcessor implements BeanPostProcessor, SmartInitializingSingleton,
    BeanFactoryAware {

  /** Bound bean name to the property that binds it. */
  private final Map<String, String> bound;
  private final Set<String> seen = new HashSet<>();
  private ListableBeanFactory beans;

  LeadershipBoundComponentsPostProcessor(Map<String, String> bound) {
    this.bound = Map.copyOf(bound);
  }

  /** The bindings configured in {@code environment}; a bean bound twice fails here. */
  static LeadershipBoundComponentsPostProcessor from(Environment environment) {
    Binder binder = Binder.get(environment);
    Map<String, String> bound = new LinkedHashMap<>();
    bind(bound, binder.bind("leader.election.components", Bindable.listOf(String.class)).orElse(List.of()),
        "leader.election.components");
    Map<String, Election> elections = binder.bind("leader.election.elections",
        Bindable.mapOf(String.class, Election.class)).orElse(Map.of());
    elections.forEach((name, e) -> bind(bound, e.getComponents(), "leader.election.elections." + name + ".components"));
    return new LeadershipBoundComponentsPostProcessor(bound);
  }

  private static void bind(Map<String, String> bound, List<String> names, String property) {
    for (String name : names) {
      String before = bound.putIfAbsent(name, property);
      if (before != null) {
        throw new LeadershipBoundComponentException(name, property, "is bound to another election too (" + before
            + ")", "Bind each component to one election: it can run on one leader only.");
      }
    }
  }

  /** Whether any bean is bound: without, this post-processor is not registered at all. */
  boolean bindsAny() {
    return !bound.isEmpty();
  }

  @Override
  public void setBeanFactory(BeanFactory beanFactory) {
    this.beans = beanFactory instanceof ListableBeanFactory l ? l : null;
  }

  @Override
  public Object postProcessBeforeInitialization(Object bean, String beanName) throws BeansException {
    String property = bound.get(beanName);
    if (property == null) {
      return bean;
    }
    seen.add(beanName);
    if (!(bean instanceof Lifecycle)) {
      throw new LeadershipBoundComponentException(beanName, property, "is a " + ClassUtils.getQualifiedName(
          bean.getClass()) + ", not a Lifecycle: there is nothing to start and stop with leadership",
          "Bind a Lifecycle bean (a message listener container, a SmartLifecycle of your own), or use"
              + " @LeaderOnly on the methods to run on the leader only.");
    }
    if (bean instanceof SmartLifecycle smart && smart.isAutoStartup()) {
      Method setter = ReflectionUtils.findMethod(bean.getClass(), "setAutoStartup", boolean.class);
      if (setter != null && java.lang.reflect.Modifier.isPublic(setter.getModifiers())) {
        ReflectionUtils.makeAccessible(setter); // a public method of a class that may not be
        ReflectionUtils.invokeMethod(setter, bean, false);
      }
    }
    return bean;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
    String property = bound.get(beanName);
    if (property != null && bean instanceof SmartLifecycle smart && smart.isAutoStartup()) {
      throw new LeadershipBoundComponentException(beanName, property, "starts on its own (isAutoStartup() is"
          + " true and it has no setAutoStartup(boolean)), so it would run on every instance",
          "Switch its auto-startup off where it is defined (for example @KafkaListener(autoStartup = \"false\")"
              + " or its factory's setAutoStartup(false)), or wrap it in a SmartLifecycle of your own.");
    }
    return bean;
  }

  /** A name without a bean is a typo: say which Lifecycle beans there are. */
  @Override
  public void afterSingletonsInstantiated() {
    if (beans == null) {
      return;
    }
    for (Map.Entry<String, String> e : bound.entrySet()) {
      if (!seen.contains(e.getKey()) && !beans.containsBean(e.getKey())) {
        String[] lifecycles = beans.getBeanNamesForType(Lifecycle.class, false, false);
        throw new LeadershipBoundComponentException(e.getKey(), e.getValue(), "does not exist",
            "Name an existing Lifecycle bean; the Lifecycle beans are " + Arrays.toString(lifecycles) + ".");
      }
    }
  }
}
