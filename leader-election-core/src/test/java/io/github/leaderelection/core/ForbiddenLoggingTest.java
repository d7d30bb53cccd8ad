package io.github.leaderelection.core;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.leaderelection.core.InMemoryLeaseStore.Operation;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A missing permission is said once, loudly, and stays visible in the status. */
class ForbiddenLoggingTest extends FakeWorldTestBase {

  private final Logger logger = (Logger) LoggerFactory.getLogger(LeaderElector.class);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  @BeforeEach
  void capture() {
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void release() {
    logger.detachAppender(appender);
  }

  @Test
  void aRefusedUpdateIsLoggedOnceWhileReadsKeepWorking() {
    store.forceWrite(new LeaseRecord("gone", 15, null, null, 0));
    store.intercept(op -> {
      if (op == Operation.UPDATE) {
        throw new LeaseStoreException.Forbidden("refused to update leases in namespace \"default\"",
            "update", "default", "system:serviceaccount:default:app", null);
      }
    });
    Candidate a = candidate("a").start();
    world.advance(Duration.ofMinutes(2)); // many acquisition attempts, each after a good read
    long errors = appender.list.stream()
        .filter(e -> e.getLevel() == Level.ERROR && e.getFormattedMessage().contains("not permitted")).count();
    assertThat(errors).isEqualTo(1);
    assertThat(store.requestCount(Operation.UPDATE)).isGreaterThan(5);
    assertThat(a.elector.status().lastError()).contains("refused to update leases");

    store.intercept(op -> {}); // the Role is fixed
    world.advance(RP.plus(LD));
    assertThat(a.isLeader()).isTrue();
    assertThat(a.elector.status().lastError()).isNull();
  }
}
