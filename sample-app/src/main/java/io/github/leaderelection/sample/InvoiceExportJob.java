package io.github.leaderelection.sample;

import io.github.leaderelection.spring.LeaderOnly;
import io.github.leaderelection.spring.LeaderOnlyContext;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * A second singleton job on an election of its own ({@code billing}, Lease
 * {@code orders-service-billing}): it may run on another replica than {@link CleanupJob}, and a
 * slow export does not hold up the cleanup's failover.
 */
@Component
public class InvoiceExportJob {

  private static final Logger log = LoggerFactory.getLogger(InvoiceExportJob.class);

  private final LeaderOnlyContext leaderOnly;
  private final AtomicLong runs = new AtomicLong();

  public InvoiceExportJob(LeaderOnlyContext leaderOnly) {
    this.leaderOnly = leaderOnly;
  }

  @Scheduled(fixedDelayString = "${sample.invoices.interval:5s}")
  @LeaderOnly("billing")
  public void exportInvoices() {
    log.info("Exporting invoices (run {}, fencing token {} of election billing)", runs.incrementAndGet(),
        leaderOnly.fencingToken().getAsLong());
  }

  /** How often this replica ran the export. */
  public long runs() {
    return runs.get();
  }
}
