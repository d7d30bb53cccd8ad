package io.github.leaderelection.spring.test.app;

import io.github.leaderelection.spring.LeaderOnly;
import io.github.leaderelection.spring.LeaderOnlyContext;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Scheduled on every instance; runs on the leader only. */
@Component
public class PurgeJob {

  /** How the starter (and the kit's recorder) names the method. */
  public static final String METHOD = "PurgeJob.purge";

  private final LeaderOnlyContext leaderOnly;
  private final AtomicLong runs = new AtomicLong();
  private volatile long lastToken = -1;

  public PurgeJob(LeaderOnlyContext leaderOnly) {
    this.leaderOnly = leaderOnly;
  }

  @Scheduled(fixedDelayString = "${purge.interval:1s}")
  @LeaderOnly
  public void purge() {
    lastToken = leaderOnly.fencingToken().getAsLong();
    runs.incrementAndGet();
  }

  /** How often the body ran. */
  public long runs() {
    return runs.get();
  }

  /** The fencing token of the last run. */
  public long lastToken() {
    return lastToken;
  }
}
