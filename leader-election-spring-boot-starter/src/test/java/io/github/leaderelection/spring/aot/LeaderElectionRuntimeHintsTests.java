package io.github.leaderelection.spring.aot;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.leaderelection.spring.election.LeaderElectionAutoConfiguration;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.CoreV1EventSeries;
import io.kubernetes.client.openapi.models.V1EventSource;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.openapi.models.V1ManagedFieldsEntry;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1Status;
import io.kubernetes.client.openapi.models.V1StatusCause;
import io.kubernetes.client.openapi.models.V1StatusDetails;
import io.kubernetes.client.util.Watch;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.javapoet.ClassName;
import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.core.env.MapPropertySource;
import java.util.Map;

/**
 * The hints an AOT-processed application gets from the starter: what Gson reflects on in
 * client-java's types (declared fields it reads and sets, the constructor it calls), for every
 * type the election still serialises. The hints are taken from a real AOT processing of a
 * context with the auto-configuration, so they must be wired, not only written.
 */
class LeaderElectionRuntimeHintsTests {

  /** Each type Gson reads or writes reflectively, with a field it must reach. */
  private static final List<Object[]> SERIALISED = List.of(
      new Object[] {V1Lease.class, "spec"},               // bodies built by CoordinationV1Api
      new Object[] {V1LeaseSpec.class, "holderIdentity"},
      new Object[] {V1ObjectMeta.class, "resourceVersion"},
      new Object[] {V1ManagedFieldsEntry.class, "manager"},
      new Object[] {V1OwnerReference.class, "uid"},
      new Object[] {V1Status.class, "message"},            // error bodies, watch ERROR events
      new Object[] {V1StatusDetails.class, "causes"},
      new Object[] {V1StatusCause.class, "reason"},
      new Object[] {CoreV1Event.class, "involvedObject"},  // leader.election.events.kubernetes
      new Object[] {V1ObjectReference.class, "uid"},
      new Object[] {V1EventSource.class, "component"},
      new Object[] {CoreV1EventSeries.class, "count"},
      new Object[] {Watch.Response.class, "object"});      // the watch envelope (TypeToken)

  @Test
  void aotProcessingOfTheAutoConfigurationRegistersWhatGsonReflectsOn() throws Exception {
    RuntimeHints hints = processAheadOfTime();
    for (Object[] entry : SERIALISED) {
      Class<?> type = (Class<?>) entry[0];
      assertThat(RuntimeHintsPredicates.reflection().onType(type).withMemberCategories(
          MemberCategory.ACCESS_DECLARED_FIELDS, MemberCategory.INVOKE_DECLARED_CONSTRUCTORS))
          .as(type.getName()).accepts(hints);
      assertThat(RuntimeHintsPredicates.reflection().onFieldAccess(type, (String) entry[1]))
          .as(type.getName() + "." + entry[1]).accepts(hints);
      assertThat(RuntimeHintsPredicates.reflection().onConstructorInvocation(type.getDeclaredConstructor()))
          .as(type.getName() + "()").accepts(hints);
    }
  }

  @Test
  void theWalkReachesEveryModelAFieldOfALeaseAStatusOrAnEventHolds() {
    // Guards the list above against a client upgrade that adds a nested model.
    assertThat(LeaderElectionRuntimeHints.reachableModels(V1Lease.class, V1Status.class, CoreV1Event.class))
        .contains(V1LeaseSpec.class, V1ObjectMeta.class, V1ManagedFieldsEntry.class, V1OwnerReference.class,
            V1StatusDetails.class, V1StatusCause.class, V1ObjectReference.class, V1EventSource.class,
            CoreV1EventSeries.class)
        .allSatisfy(type -> assertThat(type.getPackageName()).isEqualTo(JSON.class.getPackageName() + ".models"));
  }

  @Test
  void hintsAreOnlyForWhatIsSerialised() {
    RuntimeHints hints = new RuntimeHints();
    new LeaderElectionRuntimeHints().registerHints(hints, getClass().getClassLoader());
    // Not the whole model package (hundreds of types): only what a Lease, a Status or an Event reaches.
    Predicate<RuntimeHints> deployment = RuntimeHintsPredicates.reflection()
        .onType(io.kubernetes.client.openapi.models.V1Deployment.class);
    assertThat(deployment).rejects(hints);
    assertThat(hints.reflection().typeHints().count()).isLessThan(30);
  }

  private static RuntimeHints processAheadOfTime() {
    try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
      context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("test",
          Map.of("spring.application.name", "orders", "spring.main.cloud-platform", "none")));
      context.register(App.class);
      DefaultGenerationContext generation = new DefaultGenerationContext(
          new ClassNameGenerator(ClassName.get(App.class)), new InMemoryGeneratedFiles());
      new ApplicationContextAotGenerator().processAheadOfTime(context, generation);
      return generation.getRuntimeHints();
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration(LeaderElectionAutoConfiguration.class)
  static class App {}
}
