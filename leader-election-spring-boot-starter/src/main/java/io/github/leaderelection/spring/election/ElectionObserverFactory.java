package io.github.leaderelection.spring.election;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.ElectionObserver;

/**
 * Builds an {@link ElectionObserver} for each named election ({@code leader.election.elections}),
 * for observers that belong to one election, such as meters tagged with its lease. A bean of
 * this type is asked once per named election; plain {@link ElectionObserver} beans observe every
 * election, except those that are {@link PerElection} (they observe the default one only).
 */
@FunctionalInterface
public interface ElectionObserverFactory {

  /**
   * @param election the election's name
   * @param config its configuration
   * @return its observer, or null for none
   */
  ElectionObserver observer(String election, ElectionConfig config);

  /** An observer bean of the default election alone; named elections get theirs from a factory. */
  interface PerElection extends ElectionObserver {}
}
