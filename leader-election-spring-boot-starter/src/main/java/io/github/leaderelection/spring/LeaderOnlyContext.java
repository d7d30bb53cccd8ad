package io.github.leaderelection.spring;

import io.github.leaderelection.core.LeadershipTerm;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The term the running {@link LeaderOnly} call was admitted under. A bean (auto-configured
 * beside {@link LeaderElection}); inject it where a {@code @LeaderOnly} method needs its term,
 * typically to pass the fencing token downstream.
 *
 * <pre>{@code
 * @Scheduled(fixedDelay = 60_000)
 * @LeaderOnly
 * void purgeExpiredOrders() {
 *   orders.purgeExpired(leaderOnly.fencingToken().getAsLong());
 * }
 * }</pre>
 *
 * <p>Unlike {@link LeaderElection#fencingToken()}, which answers for <em>now</em> and is empty
 * once leadership has ended, this answers for the call: it stays the same for the whole call,
 * even after leadership ended during it, so a store can refuse the late write by its token.
 * It is bound on the calling thread while the method runs: empty outside a {@code @LeaderOnly}
 * call, in work the method hands to other threads, and in the subscription of a returned
 * {@code Mono} / {@code Flux} / future (pass the term along instead). A nested
 * {@code @LeaderOnly} call sees its own term, and the outer one's again after it returns.
 */
public interface LeaderOnlyContext {

  /** The term the {@link LeaderOnly} call running on this thread was admitted under. */
  Optional<LeadershipTerm> currentTerm();

  /** The fencing token of {@link #currentTerm()}. */
  default OptionalLong fencingToken() {
    return currentTerm().map(t -> OptionalLong.of(t.fencingToken())).orElseGet(OptionalLong::empty);
  }
}
