package io.github.leaderelection.spring.test;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the test kit, under {@code leader.election.test}; read only where the kit is
 * imported ({@link AutoConfigureLeaderElectionControl}).
 */
@ConfigurationProperties("leader.election.test")
public class LeaderElectionTestProperties {

  /**
   * How long LeadershipControl and the recorders wait for a change before failing the test.
   * Defaults to 5s plus the slowest change the election's timings allow: step-down-cooldown +
   * renew-deadline + shutdown-timeout + 2 x retry-period.
   */
  private @Nullable Duration awaitTimeout;

  /**
   * Whether LeadershipControl is reset before each test method: injected failures cleared,
   * this instance made the leader of every election again, the recorded events and @LeaderOnly
   * calls cleared. Keeps test classes that share a cached application context from seeing each
   * other's state.
   */
  private boolean resetBeforeEachTest = true;

  /**
   * Whether the kit makes leadership changes fast: when none of leader.election.lease-duration,
   * renew-deadline, retry-period and request-timeout is set, it sets lease-duration=5s,
   * renew-deadline=3s and retry-period=1s (a grant right after a revoke waits at most one retry
   * period, a revoke with RENEW_FAILED takes one renew deadline); when step-down-cooldown is not
   * set, 1s (a grant after a step-down waits it out). Named elections inherit them, unless
   * they set timings of their own.
   */
  private boolean fastTimings = true;

  public @Nullable Duration getAwaitTimeout() {
    return awaitTimeout;
  }

  public void setAwaitTimeout(@Nullable Duration awaitTimeout) {
    this.awaitTimeout = awaitTimeout;
  }

  public boolean isResetBeforeEachTest() {
    return resetBeforeEachTest;
  }

  public void setResetBeforeEachTest(boolean resetBeforeEachTest) {
    this.resetBeforeEachTest = resetBeforeEachTest;
  }

  public boolean isFastTimings() {
    return fastTimings;
  }

  public void setFastTimings(boolean fastTimings) {
    this.fastTimings = fastTimings;
  }
}
