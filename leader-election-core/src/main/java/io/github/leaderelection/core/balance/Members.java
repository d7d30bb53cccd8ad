package io.github.leaderelection.core.balance;

import java.util.Set;

/** Who is in a balancing group now, as this instance sees it. */
public interface Members {

  /** The identities of the live members, this instance included once it joined. */
  Set<String> live();

  /**
   * Whether members can be seen at all. False when the API server refused the namespace-wide
   * watch they are seen through: then there is nothing to balance on.
   */
  boolean available();

  /** Housekeeping, called now and then by the balancer's thread (default: none). */
  default void maintain() {}
}
