package io.github.leaderelection.spring.leaderonly;

import java.lang.reflect.Array;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import org.springframework.core.ReactiveAdapter;
import org.springframework.core.ReactiveAdapterRegistry;

/**
 * What a skipped {@code @LeaderOnly} call returns: "nothing" in its return type's own terms, so
 * a caller that chains on the result does not meet a null where the type promises none.
 *
 * <ul>
 *   <li>{@code void} and other reference types: {@code null};</li>
 *   <li>{@code Optional}, {@code OptionalInt/Long/Double}: empty;</li>
 *   <li>{@code Future}, {@code CompletionStage}, {@code CompletableFuture}: completed with
 *       {@code null}, with or without Reactor;</li>
 *   <li>every type Spring's {@link ReactiveAdapterRegistry} knows (Reactor's {@code Mono} and
 *       {@code Flux}, RxJava 3, Kotlin {@code Flow}, Mutiny, {@code Publisher}, when on the
 *       classpath): the registry's empty value;</li>
 *   <li>primitives: their zero ({@code false}, {@code 0}, {@code '\0'}). Decided rather than
 *       refused: the proxy cannot return null for them, and for the usual leader work
 *       ("rows purged", "did it run") zero already means "nothing was done". Return an
 *       {@code Optional} when a skip must be told apart.</li>
 * </ul>
 * A type that cannot be empty (RxJava's {@code Single}: exactly one value), or a subclass of a
 * future we cannot create, has no such value: {@link #canExpress} is false and startup fails
 * (see {@link LeaderOnlyVerifier}).
 */
final class SkippedValues {

  private final ReactiveAdapterRegistry registry;

  SkippedValues(ReactiveAdapterRegistry registry) {
    this.registry = registry;
  }

  static SkippedValues shared() {
    return new SkippedValues(ReactiveAdapterRegistry.getSharedInstance());
  }

  /** The value a skipped call of a method returning {@code type} returns. */
  Object of(Class<?> type) {
    if (type == void.class || type == Object.class) {
      return null;
    }
    if (type.isPrimitive()) {
      return Array.get(Array.newInstance(type, 1), 0); // the type's zero
    }
    if (type == Optional.class) {
      return Optional.empty();
    }
    if (type == OptionalInt.class) {
      return OptionalInt.empty();
    }
    if (type == OptionalLong.class) {
      return OptionalLong.empty();
    }
    if (type == OptionalDouble.class) {
      return OptionalDouble.empty();
    }
    if (type == CompletableFuture.class || type == CompletionStage.class || type == Future.class) {
      // Not left to the registry: it adapts CompletionStage only when Reactor is present.
      return CompletableFuture.completedFuture(null);
    }
    ReactiveAdapter adapter = registry.getAdapter(type);
    if (adapter != null && adapter.supportsEmpty()) {
      Object empty = adapter.getDescriptor().getEmptyValue();
      if (type.isInstance(empty)) {
        return empty;
      }
    }
    return null;
  }

  /**
   * Whether a skipped call of a method returning {@code type} can return "nothing" of that type;
   * false for async or reactive types that have no empty value we can create.
   */
  boolean canExpress(Class<?> type) {
    if (type.isPrimitive() || type == Object.class) {
      return true;
    }
    boolean async = Future.class.isAssignableFrom(type) || CompletionStage.class.isAssignableFrom(type)
        || registry.getAdapter(type) != null;
    return !async || of(type) != null;
  }
}
