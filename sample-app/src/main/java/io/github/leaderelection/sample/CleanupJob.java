package io.github.leaderelection.sample;

import io.github.leaderelection.spring.LeaderOnly;
import io.github.leaderelection.spring.LeaderOnlyContext;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Every replica schedules the job; only the leader runs it. Writes downstream would carry the
 * fencing token so a store can refuse a stale leader's writes: the token of the term this run
 * was admitted under, from {@link LeaderOnlyContext}. (Re-reading it from the election could
 * give nothing if leadership ended after the check.)
 */
@Component
public class CleanupJob {

  private static final Logger log = LoggerFactory.getLogger(CleanupJob.class);

  private final LeaderOnlyContext leaderOnly;
  private final AtomicLong runs = new AtomicLong();

  public CleanupJob(LeaderOnlyContext leaderOnly) {
    this.leaderOnly = leaderOnly;
  }

  @Scheduled(fixedDelayString = "${sample.cleanup.interval:2s}")
  @LeaderOnly
  public void purgeExpiredOrders() {
    long token = leaderOnly.fencingToken().getAsLong(); // present for the whole admitted call
    log.info("Purging expired orders (run {}, fencing token {})", runs.incrementAndGet(), token);
  }

  /** How often this replica actually ran the job. */
  public long runs() {
    return runs.get();
  }
}
