package io.github.leaderelection.spring.election;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.LeadershipListener;
import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.core.LossReason;
import io.github.leaderelection.spring.OnLeaderChangedEvent;
import io.github.leaderelection.spring.OnLeaderElectedEvent;
import io.github.leaderelection.spring.OnLeaderLostEvent;
import java.util.List;
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
 * Turns core notifications into application events: {@link OnLeaderElectedEvent},
 * {@link OnLeaderLostEvent} and {@link OnLeaderChangedEvent} (a new holder). Runs on the
 * elector's listener thread, so {@code @EventListener} methods run there too: one that blocks
 * delays later events, neither delays renewals.
 *
 * <h2>Every listener gets the event</h2>
 * The context's default multicaster stops at the first listener that throws and rethrows, so
 * one failing listener of {@link OnLeaderElectedEvent} would hide it from the ones after it,
 * which may be the ones that start leader work. Our three events are therefore delivered here,
 * by a multicaster of our own that holds the context's listeners (the same ones, in the same
 * order, with the same conditions) and logs each failure with the listener's name before going
 * on to the next. The application's multicaster is not replaced: every other event keeps its
 * rules. A consequence: a custom {@code applicationEventMulticaster}'s executor or error
 * handler does not apply to these three events (make such a listener {@code @Async}), and
 * listeners added to that multicaster directly rather than to the context are not reached.
 *
 * <h2>Child and parent contexts</h2>
 * After the context's own listeners, the event goes to those of the contexts below it that are
 * refreshed and not closed ({@link ChildContexts}), each delivered to the same way, since Spring
 * never sends a parent's events down; then to the parent contexts, as {@code publishEvent}
 * would do. Each context's listeners get it once.
 */
final class EventPublishingListener implements LeadershipListener {

  private static final Logger log = LoggerFactory.getLogger(EventPublishingListener.class);

  private final ApplicationEventPublisher publisher;
  private final Object source;
  private final String election;
  private final ElectionConfig config;
  private final ChildContexts children;

  /**
   * @param election the election's name, which the events carry
   * @param config the election's lease and identity, for {@link OnLeaderChangedEvent}
   * @param children the contexts below the publisher's to deliver to as well, or null for none
   */
  EventPublishingListener(ApplicationEventPublisher publisher, Object source, String election, ElectionConfig config,
      ChildContexts children) {
    this.publisher = publisher;
    this.source = source;
    this.election = election;
    this.config = config;
    this.children = children;
  }

  @Override
  public void onElected(LeadershipTerm term) {
    publish(new OnLeaderElectedEvent(source, election, term));
  }

  @Override
  public void onLost(LeadershipTerm term, LossReason reason) {
    publish(new OnLeaderLostEvent(source, election, term, reason));
  }

  @Override
  public void onNewLeader(String identity) {
    publish(new OnLeaderChangedEvent(source, election, config.leaseName(), config.namespace(), config.identity(),
        identity));
  }

  private void publish(ApplicationEvent event) {
    if (publisher instanceof AbstractApplicationContext context && context.isActive()) {
      deliverHere(context, event);
      List<ApplicationContext> below = children != null ? children.descendants() : List.of();
      for (ApplicationContext child : below) {
        deliverBelow(child, event);
      }
      deliverAbove(context, event);
    } else {
      publisher.publishEvent(event); // not a context we can read the listeners of: its own rules
    }
  }

  /** A descendant: its own listeners only, its parents are us or get it from us. */
  private static void deliverBelow(ApplicationContext child, ApplicationEvent event) {
    if (child instanceof AbstractApplicationContext c) {
      if (c.isActive()) {
        deliverHere(c, event);
      }
    } else {
      log.debug("Not delivering {} to child context {}: its listeners cannot be read", event, child);
    }
  }

  private static void deliverAbove(AbstractApplicationContext context, ApplicationEvent event) {
    ApplicationContext parent = context.getParent();
    if (parent instanceof AbstractApplicationContext p && p.isActive()) {
      deliverHere(p, event);
      deliverAbove(p, event);
    } else if (parent != null) {
      parent.publishEvent(event);
    }
  }

  private static void deliverHere(AbstractApplicationContext context, ApplicationEvent event) {
    ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
    // Built per event (a few per term): it then sees listeners added or removed since the last one.
    // Registered as the context registers them: listener instances (which include every
    // @EventListener method), then listener beans by name, resolved when the event is sent.
    EachListenerMulticaster multicaster = new EachListenerMulticaster(beanFactory);
    context.getApplicationListeners().forEach(multicaster::addApplicationListener);
    for (String name : beanFactory.getBeanNamesForType(ApplicationListener.class, true, false)) {
      multicaster.addApplicationListenerBean(name);
    }
    multicaster.multicastEvent(event);
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
    return "application event publisher of election '" + election + "'";
  }
}
