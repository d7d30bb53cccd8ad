package io.github.leaderelection.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.leaderelection.testsupport.ApiServerHandle;
import io.github.leaderelection.testsupport.RealApiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The multi-lease profile ({@code -Pchaos-multi}): every candidate process runs several elections
 * ({@code -Dchaos.leases}, default 6) with balancing ({@code -Dchaos.balance}, default true), the
 * faults of the suite aimed at one lease each (docs/chaos.md, "Several leases per process"), and
 * each lease checked on its own. Writes its figures into docs/chaos.md.
 *
 * <pre>
 * ./mvnw -B -pl verification/chaos verify -Pchaos-multi -Dchaos.seed=12 -Dchaos.faults=300 \
 *     -Dleader.election.apiserver.bin=$(verification/apiserver/build.sh)
 * </pre>
 */
@RealApiServer
class ChaosMultiIT {

  @Test
  void severalLeasesPerProcess(ApiServerHandle server) throws Exception {
    long seed = Long.getLong("chaos.seed", 12L);
    int faults = Integer.getInteger("chaos.faults", 300);
    int leases = Integer.getInteger("chaos.leases", 6);
    boolean balance = Boolean.parseBoolean(System.getProperty("chaos.balance", "true"));
    Path report = Path.of(System.getProperty("chaos.report", "docs/chaos.md"));
    Path dir = ChaosRuns.runsDirectory().resolve("multi-ours-" + leases + (balance ? "-balanced" : "") + "-seed-" + seed
        + "-" + faults);
    // Member Leases are created, renewed and, by the one that leaves or the lowest identity, deleted.
    List<String> verbs = List.of("get", "list", "watch", "create", "update", "delete");
    server.grantLeaseVerbs(verbs.toArray(String[]::new));
    ChaosConfig cfg = ChaosConfig.fast("ours", ChaosRuns.candidateClasspath("ours"), ChaosRuns.candidateMain("ours"),
        true, seed, faults, dir);
    ChaosRunner runner = new ChaosRunner(cfg, new HandleChaosServer(server, verbs),
        m -> System.out.println("[chaos] " + m)).multiLease(leases, balance);
    RunRecord run = runner.run();
    Map<String, InvariantChecker.Result> results = new LinkedHashMap<>();
    runner.perLease().forEach((lease, r) -> results.put(lease, new InvariantChecker(r).check()));
    String reproduce = "./mvnw -B -pl verification/chaos verify -Pchaos-multi -Dchaos.seed=" + seed
        + " -Dchaos.faults=" + faults + " -Dchaos.leases=" + leases + " -Dchaos.balance=" + balance
        + " -Dleader.election.apiserver.bin=$(verification/apiserver/build.sh)";
    String section = MultiLeaseChaosReport.render(run, runner.perLease(), results, balance,
        "ours: " + leases + " leases per process" + (balance ? ", balanced" : "") + ", seed " + seed + ", " + faults
            + " faults", reproduce);
    Files.writeString(dir.resolve("report.md"), section);
    ChaosReport.writeInto(report, "multi-ours-" + leases + (balance ? "-balanced" : ""), section);
    System.out.println(section);

    assertThat(runner.perLease()).hasSize(leases);
    assertThat(run.faults()).as("faults injected (the run stops early when the elector is stuck)").hasSize(faults);
    results.forEach((lease, r) -> assertThat(r.violations())
        .as("violations of the chaos invariants on %s (report: %s, transcript: %s)", lease, dir.resolve("report.md"),
            dir.resolve("transcript.txt"))
        .isEmpty());
  }
}
