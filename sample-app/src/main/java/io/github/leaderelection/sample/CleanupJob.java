package io.github.leaderelection.sample;

import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.spring.LeaderOnly;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Every replica schedules the job; only the leader runs it. Writes downstream would carry the
 * fencing token so a store can refuse a stale leader's writes.
 */
@Component
public class CleanupJob {

  private static final Logger log = LoggerFactory.getLogger(CleanupJob.class);

  private final LeaderElection election;
  private final AtomicLong runs = new AtomicLong();

  public CleanupJob(LeaderElection election) {
    this.election = election;
  }

  @Scheduled(fixedDelayString = "${sample.cleanup.interval:2s}")
  @LeaderOnly
  public void purgeExpiredOrders() {
    long token = election.fencingToken().orElse(-1);
    log.info("Purging expired orders (run {}, fencing token {})", runs.incrementAndGet(), token);
  }

  /** How often this replica actually ran the job. */
  public long runs() {
    return runs.get();
  }
}
