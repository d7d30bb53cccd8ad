package io.github.leaderelection.spring.test;

import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;
import org.springframework.test.context.support.DependencyInjectionTestExecutionListener;

/**
 * Calls {@link LeadershipControl#reset()} before each test method whose application context
 * has a {@link LeadershipControl} (and does not set
 * {@code leader.election.test.reset-before-each-test=false}), so that test classes sharing a
 * cached context start alike: this instance the leader, nothing injected, the recorders empty.
 * Before the test's {@code @BeforeEach} methods, so those may change leadership for the test.
 *
 * <p>Registered in {@code META-INF/spring.factories}, so it runs for every Spring test on a
 * classpath that has the kit; for the others it does nothing, and it never loads a context
 * (it looks only at one the test already loaded). A test class that declares
 * {@code @TestExecutionListeners} without {@code mergeMode = MERGE_WITH_DEFAULTS} turns the
 * default listeners off, this one too: call {@code reset()} in its {@code @BeforeEach}.
 */
public class LeadershipControlTestExecutionListener implements TestExecutionListener, Ordered {

  /** After dependency injection (the context is loaded by then). */
  public static final int ORDER = DependencyInjectionTestExecutionListener.ORDER + 100;

  @Override
  public void beforeTestMethod(TestContext testContext) {
    if (!testContext.hasApplicationContext()) {
      return;
    }
    ApplicationContext context = testContext.getApplicationContext();
    LeadershipControl control = context.getBeanProvider(LeadershipControl.class).getIfUnique();
    if (control != null && control.resetsBeforeEachTest()) {
      control.reset();
    }
  }

  @Override
  public int getOrder() {
    return ORDER;
  }
}
