package io.github.leaderelection.spring.election;

import io.github.leaderelection.core.LeadershipListener;
import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.core.LossReason;
import io.github.leaderelection.spring.OnLeaderElectedEvent;
import io.github.leaderelection.spring.OnLeaderLostEvent;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Turns core notifications into application events. Runs on the elector's listener thread,
 * so {@code @EventListener} methods run there too: one that throws is logged by the elector,
 * one that blocks delays later events, neither delays renewals.
 */
final class EventPublishingListener implements LeadershipListener {

  private final ApplicationEventPublisher publisher;
  private final Object source;

  EventPublishingListener(ApplicationEventPublisher publisher, Object source) {
    this.publisher = publisher;
    this.source = source;
  }

  @Override
  public void onElected(LeadershipTerm term) {
    publisher.publishEvent(new OnLeaderElectedEvent(source, term));
  }

  @Override
  public void onLost(LeadershipTerm term, LossReason reason) {
    publisher.publishEvent(new OnLeaderLostEvent(source, term, reason));
  }

  @Override
  public String toString() {
    return "application event publisher";
  }
}
