package io.github.leaderelection.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.leaderelection.testsupport.ApiServerHandle;
import io.github.leaderelection.testsupport.RealApiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CI profile of the chaos suite: five candidate JVMs on our elector, fast timings
 * (4 s / 3 s / 1 s), a fixed seed and 100 faults; fails on any violation. About five minutes
 * on 2 cores. docs/chaos.md explains what is checked.
 */
@RealApiServer
class ChaosCiIT {

  static final String IMPL = "ours";
  static final long SEED = Long.getLong("chaos.ci.seed", 20240611L);
  static final int FAULTS = Integer.getInteger("chaos.ci.faults", 100);

  @Test
  void hundredFaults_neverTwoActingLeaders(ApiServerHandle server) throws Exception {
    Path dir = ChaosRuns.runsDirectory().resolve("ci-ours-seed-" + SEED);
    ChaosConfig cfg = ChaosConfig.fast("ours", ChaosRuns.candidateClasspath(IMPL), ChaosRuns.candidateMain(IMPL), true,
        SEED, FAULTS, dir);
    RunRecord run = new ChaosRunner(cfg, new HandleChaosServer(server), m -> System.out.println("[chaos] " + m)).run();
    InvariantChecker.Result result = new InvariantChecker(run).check();
    String report = ChaosReport.render(run, result, "ours: CI profile",
        "./mvnw -B -pl verification/chaos verify -Dchaos.ci.seed=" + SEED
            + " -Dleader.election.apiserver.bin=$(verification/apiserver/build.sh)");
    Files.writeString(dir.resolve("report.md"), report);
    System.out.println(report);

    assertThat(run.faults()).hasSize(FAULTS);
    assertThat(run.faults()).extracting(Fault::type).as("every fault type at least once")
        .containsAll(List.of(FaultType.values()));
    assertThat(run.faults()).filteredOn(f -> f.type() == FaultType.UNKNOWN_LEASE_FIELD)
        .as("the plain-HTTP hop really put unknown fields into Lease bodies")
        .anySatisfy(f -> assertThat(f.injected()).isPositive());
    assertThat(result.violations())
        .as("violations of the chaos invariants (report: %s, transcript: %s)", dir.resolve("report.md"),
            dir.resolve("transcript.txt"))
        .isEmpty();
  }
}
