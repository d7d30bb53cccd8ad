package io.github.leaderelection.chaos;

import java.nio.file.Path;

/**
 * Checks a finished run again from its directory ({@code run.tsv} + {@code transcript.txt}) and
 * prints the report; exit status 1 on violations.
 *
 * <pre>
 * java -cp verification/chaos/target/classes io.github.leaderelection.chaos.Recheck \
 *     verification/chaos/target/chaos-runs/ci-ours-seed-20240611 [doc.md key "title" "reproduce command"]
 * </pre>
 *
 * With the optional arguments the report also replaces the block {@code key} of {@code doc.md}.
 */
public final class Recheck {

  private Recheck() {}

  public static void main(String[] args) {
    if (args.length != 1 && args.length != 5) {
      System.err.println("usage: Recheck <run directory> [<doc.md> <key> <title> <reproduce command>]");
      System.exit(2);
    }
    RunRecord run = RunArchive.read(Path.of(args[0]));
    InvariantChecker.Result result = new InvariantChecker(run).check();
    String title = args.length == 5 ? args[3] : run.config().implementation() + ": rechecked " + args[0];
    String reproduce = args.length == 5 ? args[4] : "(recheck of a recorded run)";
    String section = ChaosReport.render(run, result, title, reproduce);
    System.out.println(section);
    if (args.length == 5) {
      ChaosReport.writeInto(Path.of(args[1]), args[2], section);
    }
    System.exit(result.violations().isEmpty() ? 0 : 1);
  }
}
