package io.github.leaderelection.spring;

import java.util.Set;

/**
 * All leader elections of this application: the default one ({@code leader.election.*}) and
 * the named ones ({@code leader.election.elections.<name>.*}), each on its own Lease. An
 * auto-configured bean.
 *
 * <pre>{@code
 * LeaderElection billing = elections.get("billing");
 * if (billing.isLeader()) { ... }
 * }</pre>
 */
public interface LeaderElections {

  /** The name of the default election, the one configured under {@code leader.election.*}. */
  String DEFAULT = "default";

  /**
   * The election of that name; {@value #DEFAULT} (or the empty string) is the default one.
   *
   * @throws NoSuchElectionException when no election has that name; its message lists the
   *     names there are
   */
  LeaderElection get(String name);

  /** The names of all elections, the default first, then the named ones as configured. */
  Set<String> names();

  /** No election has the name asked for. */
  final class NoSuchElectionException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * @param name the name asked for
     * @param known the names there are
     */
    public NoSuchElectionException(String name, Set<String> known) {
      super("No leader election named '" + name + "'; the elections are " + String.join(", ", known)
          + " (named ones are configured under leader.election.elections.<name>)");
    }
  }
}
