package io.github.leaderelection.spring.aot;

import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1Status;
import io.kubernetes.client.util.Watch;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * What leader election reflects on at run time, for a native image (and for any AOT-processed
 * application that checks its hints).
 *
 * <p>The election reads and writes Leases as Gson {@code JsonObject}s, which Gson handles
 * without reflection. Gson still reflects (declared fields, no-argument constructor, through
 * each generated model's {@code CustomTypeAdapterFactory} delegate) on the client-java types
 * that are still serialised:
 *
 * <ul>
 *   <li>{@link V1Lease}: the body the generated {@code CoordinationV1Api} serialises when it
 *       builds the create and replace calls (the store then swaps in its own JSON body), and
 *       the Lease the event recorder reads for its uid;
 *   <li>{@link V1Status}: the error bodies of refused requests, and watch ERROR events;
 *   <li>{@link CoreV1Event}: the Kubernetes Events of {@code leader.election.events.kubernetes};
 *   <li>{@link Watch.Response}: the watch event envelope, read with a {@code TypeToken}.
 * </ul>
 *
 * Each is registered with the models its fields reach ({@code V1ObjectMeta},
 * {@code V1ManagedFieldsEntry}, {@code V1OwnerReference}, {@code V1StatusDetails}, ...), since
 * Gson descends into them the same way. Gson's own adapters for JSON trees, strings, numbers
 * and client-java's time adapters are registered by code, not found reflectively, and need
 * nothing. Reading a kubeconfig (SnakeYAML into maps) and the in-cluster files needs no hints.
 */
public final class LeaderElectionRuntimeHints implements RuntimeHintsRegistrar {

  private static final String MODELS_PACKAGE = "io.kubernetes.client.openapi.models";

  /** What Gson's reflective adapter uses: it lists and sets declared fields, and calls the no-argument constructor. */
  private static final MemberCategory[] GSON_MEMBERS = {
      MemberCategory.ACCESS_DECLARED_FIELDS, MemberCategory.INVOKE_DECLARED_CONSTRUCTORS};

  @Override
  public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
    ReflectionHints reflection = hints.reflection();
    for (Class<?> type : reachableModels(V1Lease.class, V1Status.class, CoreV1Event.class)) {
      reflection.registerType(type, GSON_MEMBERS);
    }
    // Not a generated model, so registered by hand: its fields are public (Gson still lists
    // them as declared fields), status is a V1Status, and object is the JsonObject the store
    // asks for (T), which needs nothing.
    reflection.registerType(Watch.Response.class, MemberCategory.ACCESS_PUBLIC_FIELDS,
        MemberCategory.ACCESS_DECLARED_FIELDS, MemberCategory.INVOKE_DECLARED_CONSTRUCTORS);
  }

  /** The given models and every model their fields reach, element types of lists and maps included. */
  static Set<Class<?>> reachableModels(Class<?>... roots) {
    Set<Class<?>> seen = new HashSet<>();
    Deque<Class<?>> pending = new ArrayDeque<>(Set.of(roots));
    while (!pending.isEmpty()) {
      Class<?> type = pending.pop();
      if (!seen.add(type)) {
        continue;
      }
      for (Field field : type.getDeclaredFields()) {
        if (!Modifier.isStatic(field.getModifiers())) {
          collectModels(field.getGenericType(), pending);
        }
      }
    }
    return seen;
  }

  private static void collectModels(Type type, Deque<Class<?>> into) {
    if (type instanceof Class<?> c && c.getPackageName().equals(MODELS_PACKAGE)) {
      into.push(c);
    } else if (type instanceof ParameterizedType p) {
      for (Type argument : p.getActualTypeArguments()) {
        collectModels(argument, into);
      }
    }
  }
}
