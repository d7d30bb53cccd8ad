package io.github.leaderelection.spring.leaderonly;

import io.github.leaderelection.spring.LeaderOnly;
import java.util.List;

/**
 * Startup failed because {@link LeaderOnly} cannot apply to some methods: the proxy cannot
 * intercept them (so they would run on every instance), or a skipped call could not return a
 * value of their return type.
 */
public class LeaderOnlyNotApplicableException extends IllegalStateException {

  private final List<String> methods;

  /**
   * @param problems one line per method, "Class.method(): why"
   * @param downgradable whether {@code leader.election.leader-only.unproxyable=warn} would let
   *     the application start
   */
  LeaderOnlyNotApplicableException(List<String> problems, boolean downgradable) {
    super(message(problems, downgradable));
    this.methods = List.copyOf(problems);
  }

  private static String message(List<String> problems, boolean downgradable) {
    StringBuilder m = new StringBuilder("@LeaderOnly cannot apply to ").append(problems.size())
        .append(problems.size() == 1 ? " method:" : " methods:");
    problems.forEach(p -> m.append("\n  - ").append(p));
    m.append("\nA @LeaderOnly method must be called through the bean's proxy: an instance method that is not"
        + " final, private or static (and, with interface proxies, declared by an interface).");
    if (downgradable) {
      m.append(" To start anyway, with these methods running on every instance, set"
          + " leader.election.leader-only.unproxyable=warn.");
    }
    return m.toString();
  }

  /** The methods, one line each: "Class.method(): why". */
  public List<String> methods() {
    return methods;
  }
}
