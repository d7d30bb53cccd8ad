package io.github.leaderelection.spring.election;

import io.github.leaderelection.core.LeadershipListener;
import io.github.leaderelection.core.LeadershipTerm;
import io.github.leaderelection.core.LossReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.Lifecycle;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the Lifecycle beans bound to one election ({@code leader.election.components}, or
 * {@code leader.election.elections.<name>.components}) when this instance becomes its leader,
 * and stops them when it stops leading. Registered after the application's listeners and
 * before the one that publishes the events, so components run before the elected event and
 * have stopped before the lost event, and, since the elector releases only after its
 * lost-listeners returned, before the release. Their own auto-startup is switched off by
 * {@link LeadershipBoundComponentsPostProcessor}.
 *
 * <p>A component that fails to start is logged at ERROR and left stopped; leadership is kept,
 * since another instance would most likely fail the same way. A stop waits for a
 * {@link SmartLifecycle}'s asynchronous stop, up to the election's shutdown timeout.
 */
final class LeadershipBoundComponents implements LeadershipListener {

  private static final Logger log = LoggerFactory.getLogger(LeadershipBoundComponents.class);

  private final String election;
  private final List<String> beanNames;
  private final BeanFactory beans;
  private final Duration stopTimeout;

  LeadershipBoundComponents(String election, List<String> beanNames, BeanFactory beans, Duration stopTimeout) {
    this.election = election;
    this.beanNames = List.copyOf(beanNames);
    this.beans = beans;
    this.stopTimeout = stopTimeout;
  }

  @Override
  public void onElected(LeadershipTerm term) {
    for (String name : beanNames) {
      try {
        Lifecycle component = beans.getBean(name, Lifecycle.class);
        if (!component.isRunning()) {
          component.start();
          log.info("Started {}: this instance leads election '{}' (lease {}/{})", name, election,
              term.namespace(), term.leaseName());
        }
      } catch (RuntimeException e) {
        log.error("Could not start {} on becoming leader of election '{}'; it stays stopped", name, election, e);
      }
    }
  }

  @Override
  public void onLost(LeadershipTerm term, LossReason reason) {
    long deadline = System.nanoTime() + stopTimeout.toNanos();
    List<String> reversed = new ArrayList<>(beanNames);
    java.util.Collections.reverse(reversed); // stopped in the reverse order of their start
    for (String name : reversed) {
      try {
        stop(name, beans.getBean(name, Lifecycle.class), deadline, reason);
      } catch (RuntimeException e) {
        log.error("Could not stop {} on leaving the leadership of election '{}'", name, election, e);
      }
    }
  }

  private void stop(String name, Lifecycle component, long deadline, LossReason reason) {
    if (!component.isRunning()) {
      return;
    }
    if (component instanceof SmartLifecycle smart) {
      CountDownLatch stopped = new CountDownLatch(1);
      smart.stop(stopped::countDown);
      try {
        if (!stopped.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          log.warn("{} did not stop within {} after the leadership of election '{}' ended ({}); not waiting longer",
              name, stopTimeout, election, reason);
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    } else {
      component.stop();
    }
    log.info("Stopped {}: the leadership of election '{}' ended ({})", name, election, reason);
  }

  @Override
  public String toString() {
    return "components of election '" + election + "' " + beanNames;
  }
}
