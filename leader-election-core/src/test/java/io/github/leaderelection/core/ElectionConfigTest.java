package io.github.leaderelection.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Validation (rule 4) and defaults (rules 20, 21) of {@link ElectionConfig}. */
class ElectionConfigTest {

  static ElectionConfig.Builder valid() {
    return ElectionConfig.builder("jobs").namespace("default").identity("a");
  }

  @Test
  void defaultsAreThoseOfClientGo() {
    ElectionConfig c = valid().build();
    assertThat(c.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.renewDeadline()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.retryPeriod()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.releaseOnShutdown()).isTrue();
    assertThat(c.stepDownCooldown()).isEqualTo(c.leaseDuration());
  }

  @Test
  void rule4_leaseDurationMustExceedRenewDeadline() {
    assertThatThrownBy(() -> valid().leaseDuration(Duration.ofSeconds(10)).build())
        .isInstanceOfSatisfying(InvalidElectionConfigException.class, e -> {
          assertThat(e.field()).isEqualTo("renewDeadline");
          assertThat(e.value()).isEqualTo("10s");
        })
        .hasMessage("renewDeadline=10s is invalid: must be less than leaseDuration (10s)");
  }

  @Test
  void rule4_renewDeadlineMustExceedRetryPeriodTimesOnePointTwo() {
    assertThatThrownBy(() -> valid().retryPeriod(Duration.ofMillis(8500)).build())
        .hasMessage("retryPeriod=8500ms is invalid: must be less than renewDeadline / 1.2 (renewDeadline is 10s)");
    assertThat(valid().retryPeriod(Duration.ofMillis(8300)).build().retryPeriod()).hasMillis(8300);
  }

  @Test
  void rule4_leaseDurationMustBeWholeSeconds() {
    assertThatThrownBy(() -> valid().leaseDuration(Duration.ofMillis(15500)).build())
        .hasMessageStartingWith("leaseDuration=15500ms is invalid: must be a whole number of seconds");
  }

  @Test
  void rule4_requestTimeoutMustBeBelowRenewDeadline() {
    assertThatThrownBy(() -> valid().requestTimeout(Duration.ofSeconds(10)).build())
        .hasMessageStartingWith("requestTimeout=10s is invalid: must be less than renewDeadline (10s)");
  }

  @Test
  void rule4_requestTimeoutDefaultStaysBelowAShortRenewDeadline() {
    ElectionConfig fast = valid().leaseDuration(Duration.ofSeconds(4)).renewDeadline(Duration.ofSeconds(3))
        .retryPeriod(Duration.ofSeconds(1)).build();
    assertThat(fast.requestTimeout()).isEqualTo(Duration.ofMillis(1500));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\t"})
  void rule4_identityMustNotBeEmpty(String identity) {
    assertThatThrownBy(() -> valid().identity(identity).build())
        .hasMessageContaining("identity=")
        .hasMessageEndingWith("is invalid: must not be empty");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Jobs", "-jobs", "jobs-", "jobs_cleanup", "a..b", ""})
  void leaseNameMustBeADns1123Subdomain(String name) {
    assertThatThrownBy(() -> ElectionConfig.builder(name).namespace("default").identity("a").build())
        .isInstanceOf(InvalidElectionConfigException.class)
        .hasMessageContaining("leaseName=\"" + name + "\" is invalid: must be a DNS-1123 subdomain");
  }

  @Test
  void leaseNameMayContainDots() {
    assertThat(ElectionConfig.builder("orders.cleanup-1").namespace("default").identity("a").build().leaseName())
        .isEqualTo("orders.cleanup-1");
  }

  @Test
  void nullLeaseNameIsNamed() {
    assertThatThrownBy(() -> ElectionConfig.builder(null).namespace("default").identity("a").build())
        .hasMessageStartingWith("leaseName=null is invalid");
  }

  @Test
  void namespaceMustBeADns1123Label() {
    assertThatThrownBy(() -> valid().namespace("my.ns").build())
        .hasMessageStartingWith("namespace=\"my.ns\" is invalid: must be a DNS-1123 label");
  }

  @Test
  void nonPositiveTimingsAreNamed() {
    assertThatThrownBy(() -> valid().retryPeriod(Duration.ZERO).build())
        .hasMessage("retryPeriod=0s is invalid: must be positive");
    assertThatThrownBy(() -> valid().leaseDuration(null).build())
        .hasMessage("leaseDuration=null is invalid: must be positive");
  }

  @Test
  void rule20_defaultIdentityIsPodNamePlusARandomSuffix() {
    Map<String, String> env = Map.of("HOSTNAME", "orders-7d9f-x2x");
    String first = ElectionConfig.builder("jobs").namespace("default").environment(env).build().identity();
    String second = ElectionConfig.builder("jobs").namespace("default").environment(env).build().identity();
    assertThat(first).startsWith("orders-7d9f-x2x_").hasSize("orders-7d9f-x2x_".length() + 6);
    assertThat(second).startsWith("orders-7d9f-x2x_").isNotEqualTo(first);
  }

  @Test
  void rule20_podNameFromTheDownwardApiWinsOverHostname() {
    Map<String, String> env = Map.of("HOSTNAME", "node-1", "POD_NAME", "orders-abc");
    assertThat(ElectionConfig.builder("jobs").namespace("default").environment(env).build().identity())
        .startsWith("orders-abc_");
  }

  @Test
  void rule20_withoutHostnameTheIdentityIsStillMeaningful() {
    String identity = ElectionConfig.builder("jobs").namespace("default").environment(Map.of()).build().identity();
    assertThat(identity).doesNotStartWith("null").doesNotContain("undefined").contains("_");
  }

  @Test
  void rule21_defaultNamespaceIsThePodsOwn(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("namespace");
    Files.writeString(file, "payments\n");
    ElectionConfig c = ElectionConfig.builder("jobs").identity("a").namespaceFile(file)
        .environment(Map.of("POD_NAMESPACE", "other")).build();
    assertThat(c.namespace()).isEqualTo("payments");
  }

  @Test
  void rule21_namespaceFallsBackToPodNamespaceThenDefault(@TempDir Path dir) {
    Path missing = dir.resolve("absent");
    assertThat(ElectionConfig.builder("jobs").identity("a").namespaceFile(missing)
        .environment(Map.of("POD_NAMESPACE", "batch")).build().namespace()).isEqualTo("batch");
    assertThat(ElectionConfig.builder("jobs").identity("a").namespaceFile(missing)
        .environment(Map.of()).build().namespace()).isEqualTo("default");
  }

  @Test
  void toBuilderKeepsEveryValue() {
    ElectionConfig c = valid().leaseDuration(Duration.ofSeconds(20)).releaseOnShutdown(false)
        .stepDownCooldown(Duration.ofSeconds(3)).build();
    ElectionConfig copy = c.toBuilder().build();
    assertThat(copy.toString()).isEqualTo(c.toString());
    assertThat(copy.stepDownCooldown()).isEqualTo(Duration.ofSeconds(3));
  }
}
