package io.github.leaderelection.sample;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Stands in for a message listener container that must consume on one replica only: bound to
 * the election {@code payments} ({@code leader.election.elections.payments.components}), it is
 * started on the replica that becomes its leader and stopped before that one gives the Lease
 * up. Like Spring's containers it has {@code setAutoStartup}, which the starter switches off.
 */
@Component("paymentsConsumer")
public class PaymentsConsumer implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(PaymentsConsumer.class);

  private final AtomicLong polls = new AtomicLong();
  private volatile boolean autoStartup = true;
  private ScheduledExecutorService poller; // guarded by this

  public void setAutoStartup(boolean autoStartup) {
    this.autoStartup = autoStartup;
  }

  @Override
  public boolean isAutoStartup() {
    return autoStartup;
  }

  @Override
  public synchronized void start() {
    if (poller != null) {
      return;
    }
    log.info("Payments consumer started: polling the queue on this replica only");
    poller = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "payments-consumer"));
    poller.scheduleWithFixedDelay(polls::incrementAndGet, 0, 1, TimeUnit.SECONDS);
  }

  @Override
  public synchronized void stop() {
    if (poller == null) {
      return;
    }
    poller.shutdownNow();
    poller = null;
    log.info("Payments consumer stopped after {} polls", polls.get());
  }

  @Override
  public synchronized boolean isRunning() {
    return poller != null;
  }

  /** How often this replica polled the queue. */
  public long polls() {
    return polls.get();
  }
}
