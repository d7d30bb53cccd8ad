package io.github.leaderelection.spring.election;

/**
 * A bean named in {@code leader.election.components} (or an election's {@code components})
 * cannot be bound to the election: it does not exist, is not a Lifecycle, is bound twice, or
 * would start on every instance because its auto-startup cannot be switched off.
 */
public class LeadershipBoundComponentException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final String beanName;
  private final String property;
  private final String action;

  LeadershipBoundComponentException(String beanName, String property, String problem, String action) {
    super("Bean '" + beanName + "' in " + property + " " + problem);
    this.beanName = beanName;
    this.property = property;
    this.action = action;
  }

  /** The bean's name. */
  public String beanName() {
    return beanName;
  }

  /** The property that names it. */
  public String property() {
    return property;
  }

  /** What to do about it. */
  public String action() {
    return action;
  }
}
