package io.github.leaderelection.spring.election;

import io.github.leaderelection.core.LeadershipListener;
import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.core.LossReason;
import io.github.leaderelection.spring.OnLeaderElectedEvent;
import io.github.leaderelection.spring.OnLeaderLostEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.SimpleApplicationEventMulticaster;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.util.StringUtils;

/**
 * Turns core notifications into application events. Runs on the elector's listener thread,
 * so {@code @EventListener} methods run there too: one that blocks delays later events,
 * neither delays renewals.
 *
 * <h2>Every listener gets the event</h2>
 * The context's default multicaster stops at the first listener that throws and rethrows, so
 * one failing listener of {@link OnLeaderElectedEvent} would hide it from the ones after it,
 * which may be the ones that start leader work. Our two events are therefore delivered here,
 * by a multicaster of our own that holds the context's listeners (the same ones, in the same
 * order, with the same conditions) and logs each failure with the listener's name before going
 * on to the next. The application's multicaster is not replaced: every other event keeps its
 * rules. A consequence: a custom {@code applicationEventMulticaster}'s executor or error
 * handler does not apply to these two events (make such a listener {@code @Async}), and
 * listeners added to that multicaster directly rather than to the context are not reached.
 * A parent context gets the event next, as {@code publishEvent} would do.
 */
final class EventPublishingListener implements LeadershipListener {

  private static final Logger log = LoggerFactory.getLogger(EventPublishingListener.class);

  private final ApplicationEventPublisher publisher;
  private final Object source;

  EventPublishingListener(ApplicationEventPublisher publisher, Object source) {
    this.publisher = publisher;
    this.source = source;
  }

  @Override
  public void onElected(LeadershipTerm term) {
    publish(new OnLeaderElectedEvent(source, term));
  }

  @Override
  public void onLost(LeadershipTerm term, LossReason reason) {
    publish(new OnLeaderLostEvent(source, term, reason));
  }

  private void publish(ApplicationEvent event) {
    if (publisher instanceof AbstractApplicationContext context && context.isActive()) {
      deliverToEach(context, event);
    } else {
      publisher.publishEvent(event); // not a context we can read the listeners of: its own rules
    }
  }

  private static void deliverToEach(AbstractApplicationContext context, ApplicationEvent event) {
    ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
    // Built per event (two per term): it then sees listeners added or removed since the last one.
    // Registered as the context registers them: listener instances (which include every
    // @EventListener method), then listener beans by name, resolved when the event is sent.
    EachListenerMulticaster multicaster = new EachListenerMulticaster(beanFactory);
    context.getApplicationListeners().forEach(multicaster::addApplicationListener);
    for (String name : beanFactory.getBeanNamesForType(ApplicationListener.class, true, false)) {
      multicaster.addApplicationListenerBean(name);
    }
    multicaster.multicastEvent(event);
    ApplicationContext parent = context.getParent();
    if (parent instanceof AbstractApplicationContext p && p.isActive()) {
      deliverToEach(p, event);
    } else if (parent != null) {
      parent.publishEvent(event);
    }
  }

  /** Calls every listener; a failing one is logged, and the next one still called. */
  private static final class EachListenerMulticaster extends SimpleApplicationEventMulticaster {

    EachListenerMulticaster(ConfigurableListableBeanFactory beanFactory) {
      super(beanFactory);
    }

    @Override
    protected void invokeListener(ApplicationListener<?> listener, ApplicationEvent event) {
      try {
        super.invokeListener(listener, event);
      } catch (VirtualMachineError e) {
        throw e;
      } catch (Throwable e) {
        log.error("Listener {} failed on {}; the other listeners still get it", name(listener),
            event.getClass().getSimpleName(), e);
      }
    }

    /** An @EventListener method's id is its class and method; other listeners go by class. */
    private static String name(ApplicationListener<?> listener) {
      if (listener instanceof SmartApplicationListener smart && StringUtils.hasText(smart.getListenerId())) {
        return smart.getListenerId();
      }
      return listener.getClass().getName();
    }
  }

  @Override
  public String toString() {
    return "application event publisher";
  }
}
