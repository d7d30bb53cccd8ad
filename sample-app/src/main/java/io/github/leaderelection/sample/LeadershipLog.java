package io.github.leaderelection.sample;

import io.github.leaderelection.spring.OnLeaderElectedEvent;
import io.github.leaderelection.spring.OnLeaderLostEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Reacts to leadership changes; the events arrive off the election thread. */
@Component
public class LeadershipLog {

  private static final Logger log = LoggerFactory.getLogger(LeadershipLog.class);

  @EventListener
  public void elected(OnLeaderElectedEvent event) {
    log.info("LEADER: {} leads lease {} (fencing token {})",
        event.getIdentity(), event.getLeaseName(), event.getFencingToken());
  }

  @EventListener
  public void lost(OnLeaderLostEvent event) {
    log.info("FOLLOWER: {} stopped leading lease {} ({})",
        event.getIdentity(), event.getLeaseName(), event.getReason());
  }
}
