package io.github.leaderelection.spring.test.app;

import io.github.leaderelection.spring.OnLeaderElectedEvent;
import io.github.leaderelection.spring.OnLeaderLostEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** The application's own listeners of the leadership events. */
@Component
public class LeadershipLog {

  private final List<String> entries = new CopyOnWriteArrayList<>();

  @EventListener
  public void elected(OnLeaderElectedEvent event) {
    entries.add("elected " + event.getFencingToken());
  }

  @EventListener
  public void lost(OnLeaderLostEvent event) {
    entries.add("lost " + event.getReason());
  }

  public List<String> entries() {
    return List.copyOf(entries);
  }

  public void clear() {
    entries.clear();
  }
}
