package io.github.leaderelection.spring.election;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ApplicationContextEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.ContextRefreshedEvent;

/**
 * The contexts below the election's context (children, grandchildren), so that the leadership
 * events reach their listeners too: Spring sends a child's events up to its parent, never a
 * parent's down. A descendant's refreshed and closed events do come up here, which is how it
 * is seen: it is delivered to from its refresh to its close. One that is refreshed before this
 * listener exists (not the case for a child made after its parent, as SpringApplicationBuilder
 * and {@code setParent} do) is not seen.
 */
final class ChildContexts implements ApplicationListener<ApplicationContextEvent>, ApplicationContextAware {

  private final CopyOnWriteArrayList<ApplicationContext> descendants = new CopyOnWriteArrayList<>();
  private volatile ApplicationContext context;

  @Override
  public void setApplicationContext(ApplicationContext context) {
    this.context = context;
  }

  @Override
  public void onApplicationEvent(ApplicationContextEvent event) {
    ApplicationContext source = event.getApplicationContext();
    if (source == context || !isBelow(source)) {
      return;
    }
    if (event instanceof ContextRefreshedEvent) {
      descendants.addIfAbsent(source);
    } else if (event instanceof ContextClosedEvent) {
      descendants.remove(source);
    }
  }

  private boolean isBelow(ApplicationContext candidate) {
    for (ApplicationContext c = candidate.getParent(); c != null; c = c.getParent()) {
      if (c == context) {
        return true;
      }
    }
    return false;
  }

  /** The descendants refreshed and not closed, in the order they were refreshed. */
  List<ApplicationContext> descendants() {
    return List.copyOf(descendants);
  }
}
