package io.github.leaderelection.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.leaderelection.testsupport.ApiServerHandle;
import io.github.leaderelection.testsupport.RealApiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The soak profile ({@code -Pchaos-soak}): the same suite with a seed and fault count from the
 * command line, for any candidate program; writes its figures into docs/chaos.md.
 *
 * <pre>
 * ./mvnw -B -pl verification/chaos verify -Pchaos-soak -Dchaos.seed=7 -Dchaos.faults=1000 \
 *     -Dleader.election.apiserver.bin=$(verification/apiserver/build.sh)
 * </pre>
 *
 * Other electors: {@code -Dchaos.impl=client-java}, {@code fabric8}, {@code spring-cloud} or
 * {@code spring-cloud-fabric8} runs verification/candidates/candidate-&lt;impl&gt; (its jar and
 * runtime.classpath); {@code client-go} and {@code node} run what their build.sh built; any
 * other JVM program with
 * {@code -Dchaos.other.classpath.file=... -Dchaos.candidate.main=...}. They lack the
 * elector-thread lines, so their intervals come from ELECTED/LOST (see docs/chaos.md), and a
 * violation there does not fail the build unless {@code -Dchaos.failOnViolation=true}.
 */
@RealApiServer
class ChaosSoakIT {

  @Test
  void soak(ApiServerHandle server) throws Exception {
    long seed = Long.getLong("chaos.seed", 20240611L);
    int faults = Integer.getInteger("chaos.faults", 1000);
    String impl = System.getProperty("chaos.impl", "ours");
    boolean ours = impl.equals("ours");
    boolean traced = Boolean.parseBoolean(System.getProperty("chaos.traced", Boolean.toString(ours)));
    boolean failOnViolation = Boolean.parseBoolean(System.getProperty("chaos.failOnViolation", Boolean.toString(ours)));
    Path report = Path.of(System.getProperty("chaos.report", "docs/chaos.md"));
    Path dir = ChaosRuns.runsDirectory().resolve("soak-" + impl + "-seed-" + seed + "-" + faults
        + (System.getProperty("chaos.exclude", "").isBlank() ? "" : "-excluding"));

    java.util.List<String> verbs = ours ? HandleChaosServer.DEFAULT_VERBS
        : java.util.List.of("get", "list", "watch", "create", "update", "patch");
    if (!ours) {
      // fabric8 renews with PATCH; the restricted user's Role has update only (reset after the test).
      server.grantLeaseVerbs(verbs.toArray(String[]::new));
    }
    ChaosConfig cfg = ChaosRuns.isExecutable(impl)
        ? ChaosConfig.fast(impl, ChaosRuns.executable(impl), seed, faults, dir)
        : ChaosConfig.fast(impl, ChaosRuns.candidateClasspath(impl), ChaosRuns.candidateMain(impl), traced,
            seed, faults, dir);
    String exclude = System.getProperty("chaos.exclude", "");
    if (!exclude.isBlank()) {
      java.util.Set<FaultType> types = new java.util.HashSet<>();
      for (String t : exclude.split(",")) {
        types.add(FaultType.valueOf(t.trim()));
      }
      cfg = cfg.excluding(types);
    }
    RunRecord run = new ChaosRunner(cfg, new HandleChaosServer(server, verbs), m -> System.out.println("[chaos] " + m)).run();
    InvariantChecker.Result result = new InvariantChecker(run).check();
    String reproduce = "./mvnw -B -pl verification/chaos verify -Pchaos-soak -Dchaos.impl=" + impl
        + " -Dchaos.seed=" + seed + " -Dchaos.faults=" + faults
        + " -Dleader.election.apiserver.bin=$(verification/apiserver/build.sh)";
    String key = "soak-" + impl + (exclude.isBlank() ? "" : "-excluding-" + exclude.toLowerCase().replace(',', '-'));
    String section = ChaosReport.render(run, result, impl + ": soak" + (exclude.isBlank() ? "" : " without " + exclude),
        reproduce + (exclude.isBlank() ? "" : " -Dchaos.exclude=" + exclude));
    Files.writeString(dir.resolve("report.md"), section);
    ChaosReport.writeInto(report, key, section);
    System.out.println(section);

    if (failOnViolation) {
      assertThat(result.violations())
          .as("violations of the chaos invariants (report: %s, transcript: %s)", dir.resolve("report.md"),
              dir.resolve("transcript.txt"))
          .isEmpty();
    }
  }
}
