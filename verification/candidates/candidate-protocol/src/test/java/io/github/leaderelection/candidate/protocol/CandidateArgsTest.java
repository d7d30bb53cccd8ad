package io.github.leaderelection.candidate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line of PROTOCOL.md, as the benchmarks and the chaos suite pass it. */
class CandidateArgsTest {

  private static final List<String> REQUIRED = List.of(
      "--kubeconfig", "/tmp/kc.yaml", "--namespace", "ns", "--lease", "bench", "--identity", "cand-0-1",
      "--lease-duration", "15", "--renew-deadline", "10000", "--retry-period", "2000");

  @Test
  void readsTheRequiredArgumentsAndDefaultsTheOptionalOnes() {
    CandidateArgs args = CandidateArgs.parse(REQUIRED.toArray(String[]::new));

    assertThat(args.kubeconfig()).isEqualTo(Path.of("/tmp/kc.yaml"));
    assertThat(args.namespace()).isEqualTo("ns");
    assertThat(args.lease()).isEqualTo("bench");
    assertThat(args.identity()).isEqualTo("cand-0-1");
    assertThat(args.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(args.renewDeadline()).isEqualTo(Duration.ofMillis(10_000));
    assertThat(args.retryPeriod()).isEqualTo(Duration.ofMillis(2_000));
    assertThat(args.workInterval()).isEqualTo(Duration.ZERO);
    assertThat(args.workDuration()).isEqualTo(Duration.ofMillis(50));
    assertThat(args.wallOffset()).isEqualTo(Duration.ZERO);
  }

  @Test
  void readsTheOptionalArgumentsInAnyOrder() {
    CandidateArgs args = CandidateArgs.parse(with("--wall-offset-ms", "-7200000", "--work-duration-ms", "20",
        "--work-interval-ms", "100"));

    assertThat(args.workInterval()).isEqualTo(Duration.ofMillis(100));
    assertThat(args.workDuration()).isEqualTo(Duration.ofMillis(20));
    assertThat(args.wallOffset()).isEqualTo(Duration.ofMillis(-7_200_000));
  }

  @Test
  void theLastOfTwoEqualNamesWins() {
    assertThat(CandidateArgs.parse(with("--lease", "other")).lease()).isEqualTo("other");
  }

  @Test
  void keepsUnknownNamesForTheProgramThatReadsThem() {
    CandidateArgs args = CandidateArgs.parse(with("--trace-acting", "true", "--step-down-cooldown-ms", "500",
        "--shutdown-timeout-ms", "oops"));

    assertThat(args.flag("trace-acting")).isTrue();
    assertThat(args.flag("absent")).isFalse();
    assertThat(args.optionalMillis("step-down-cooldown-ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(args.optionalMillis("absent")).isNull();
    // Unchecked until read: a program that has no such option is not stopped by it.
    assertThatThrownBy(() -> args.optionalMillis("shutdown-timeout-ms"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--shutdown-timeout-ms takes a whole number, got oops");
  }

  @Test
  void aFlagIsTrueOnlyForTrue() {
    assertThat(CandidateArgs.parse(with("--trace-acting", "TRUE")).flag("trace-acting")).isTrue();
    assertThat(CandidateArgs.parse(with("--trace-acting", "yes")).flag("trace-acting")).isFalse();
  }

  @Test
  void aMissingRequiredArgumentIsNamed() {
    for (String name : List.of("kubeconfig", "namespace", "lease", "identity", "lease-duration", "renew-deadline",
        "retry-period")) {
      List<String> line = new ArrayList<>(REQUIRED);
      int at = line.indexOf("--" + name);
      line.remove(at + 1);
      line.remove(at);

      assertThatThrownBy(() -> CandidateArgs.parse(line.toArray(String[]::new)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("missing --" + name);
    }
  }

  @Test
  void aNumberThatIsNoneIsNamedWithItsValue() {
    for (String name : List.of("lease-duration", "renew-deadline", "retry-period", "work-interval-ms",
        "work-duration-ms", "wall-offset-ms")) {
      assertThatThrownBy(() -> CandidateArgs.parse(with("--" + name, "1.5s")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("--" + name + " takes a whole number, got 1.5s")
          .hasCauseInstanceOf(NumberFormatException.class);
    }
  }

  @Test
  void aNameWithoutValueIsNamed() {
    assertThatThrownBy(() -> CandidateArgs.parse(with("--work-interval-ms")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("expected --name value pairs, got --kubeconfig /tmp/kc.yaml ")
        .hasMessageEndingWith(" (--work-interval-ms has no value)");
  }

  @Test
  void aValueWithoutNameIsNamed() {
    assertThatThrownBy(() -> CandidateArgs.parse(with("stray", "--work-interval-ms", "5")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith(" (stray is not a --name)");
  }

  @Test
  void anEmptyLineMissesTheFirstRequiredArgument() {
    assertThatThrownBy(() -> CandidateArgs.parse(new String[0])).hasMessage("missing --kubeconfig");
  }

  @Test
  void withoutLeasesItIsOneElectionOnTheLeaseItself() {
    CandidateArgs args = CandidateArgs.parse(REQUIRED.toArray(String[]::new));

    assertThat(args.multiLease()).isFalse();
    assertThat(args.leases()).isZero();
    assertThat(args.leaseNames()).containsExactly("bench");
  }

  @Test
  void leasesNamesThatManyElectionsAfterTheLease() {
    CandidateArgs args = CandidateArgs.parse(with("--leases", "3"));

    assertThat(args.multiLease()).isTrue();
    assertThat(args.leaseNames()).containsExactly("bench-0", "bench-1", "bench-2");
    assertThat(CandidateArgs.parse(with("--leases", "1")).leaseNames()).containsExactly("bench-0");
  }

  @Test
  void leasesMustBeAPositiveWholeNumber() {
    assertThatThrownBy(() -> CandidateArgs.parse(with("--leases", "0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--leases takes a number of elections from 1 to 1000, got 0");
    assertThatThrownBy(() -> CandidateArgs.parse(with("--leases", "-2")))
        .hasMessage("--leases takes a number of elections from 1 to 1000, got -2");
    assertThatThrownBy(() -> CandidateArgs.parse(with("--leases", "1001")))
        .hasMessage("--leases takes a number of elections from 1 to 1000, got 1001");
    assertThatThrownBy(() -> CandidateArgs.parse(with("--leases", "six")))
        .hasMessage("--leases takes a whole number, got six");
  }

  private static String[] with(String... more) {
    List<String> line = new ArrayList<>(REQUIRED);
    line.addAll(List.of(more));
    return line.toArray(String[]::new);
  }
}
