package io.github.leaderelection.spring.test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.util.ClassUtils;

/**
 * The test kit for an {@code ApplicationContextRunner}, which does not read test annotations:
 *
 * <pre>{@code
 * new ApplicationContextRunner()
 *     .withConfiguration(LeaderElectionTestKit.autoConfigurations())
 *     .withUserConfiguration(MyJobs.class)
 *     .run(context -> {
 *       LeadershipControl leadership = context.getBean(LeadershipControl.class);
 *       leadership.revoke();
 *       ...
 *     });
 * }</pre>
 *
 * <p>Each run has its own context, so nothing carries over between runs. Within one,
 * {@code run()} hands over the context once it is refreshed: in always-leader mode this
 * instance leads the default election by then, but its elected event may still be on its way
 * to the listeners, and named elections, which do not wait for leadership at startup unless
 * configured to, may not lead yet; call {@link LeadershipControl#reset()} first to start from a
 * known state (every election leading, the recorders empty), as the kit does before each method
 * of a {@code @SpringBootTest}.
 */
public final class LeaderElectionTestKit {

  private LeaderElectionTestKit() {}

  /**
   * The configurations {@link AutoConfigureLeaderElectionControl} imports: the kit's, and the
   * starter's election and {@code @LeaderOnly} ones (read from the same imports file, so the
   * two ways cannot drift apart). Add the actuator's and the starter's health, endpoint or
   * meter auto-configurations as well to test those.
   */
  public static AutoConfigurations autoConfigurations() {
    ClassLoader loader = LeaderElectionTestKit.class.getClassLoader();
    Class<?>[] classes = ImportCandidates.load(AutoConfigureLeaderElectionControl.class, loader).getCandidates()
        .stream().map(name -> ClassUtils.resolveClassName(name, loader)).toArray(Class<?>[]::new);
    return AutoConfigurations.of(classes);
  }
}
