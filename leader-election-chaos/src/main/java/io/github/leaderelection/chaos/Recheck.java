package io.github.leaderelection.chaos;

import java.nio.file.Path;

/**
 * Checks a finished run again from its directory ({@code run.tsv} + {@code transcript.txt}) and
 * prints the report; exit status 1 on violations.
 *
 * <pre>
 * java -cp leader-election-chaos/target/classes io.github.leaderelection.chaos.Recheck \
 *     leader-election-chaos/target/chaos-runs/ci-ours-seed-20240611
 * </pre>
 */
public final class Recheck {

  private Recheck() {}

  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: Recheck <run directory>");
      System.exit(2);
    }
    RunRecord run = RunArchive.read(Path.of(args[0]));
    InvariantChecker.Result result = new InvariantChecker(run).check();
    System.out.println(ChaosReport.render(run, result, run.config().implementation() + ": rechecked " + args[0],
        "(recheck of a recorded run)"));
    System.exit(result.violations().isEmpty() ? 0 : 1);
  }
}
