package io.github.leaderelection.sample;

import io.github.leaderelection.spring.LeaderOnly;
import io.github.leaderelection.spring.LeaderOnlyContext;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * A third singleton job, on election {@code reports} (Lease {@code orders-service-reports}).
 * With {@link InvoiceExportJob} it is the balanced pair of the sample
 * ({@code leader.election.balance.elections: billing, reports}): on two or more replicas the two
 * jobs run on different ones.
 */
@Component
public class ReportsJob {

  private static final Logger log = LoggerFactory.getLogger(ReportsJob.class);

  private final LeaderOnlyContext leaderOnly;
  private final AtomicLong runs = new AtomicLong();

  public ReportsJob(LeaderOnlyContext leaderOnly) {
    this.leaderOnly = leaderOnly;
  }

  @Scheduled(fixedDelayString = "${sample.reports.interval:5s}")
  @LeaderOnly("reports")
  public void buildReports() {
    log.info("Building reports (run {}, fencing token {} of election reports)", runs.incrementAndGet(),
        leaderOnly.fencingToken().getAsLong());
  }

  /** How often this replica built the reports. */
  public long runs() {
    return runs.get();
  }
}
