package io.github.leaderelection.chaos;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/** What the chaos ITs share: where the candidate programs are, where runs are written. */
final class ChaosRuns {

  static final String OURS_MAIN = "io.github.leaderelection.candidate.OursCandidate";

  /** Main classes of the other candidate programs (candidates/candidate-<impl>). */
  private static final Map<String, String> OTHER_MAINS = Map.of(
      "client-java", "io.github.leaderelection.candidate.clientjava.ClientJavaCandidate",
      "fabric8", "io.github.leaderelection.candidate.fabric8.Fabric8Candidate");

  private ChaosRuns() {}

  /**
   * Ours: the classpath written at build time (-Dchaos.candidate.classpath.file). Others: the
   * module's jar plus the target/runtime.classpath its build wrote (candidates/pom.xml).
   */
  static String candidateClasspath(String impl) {
    if (impl.equals("ours")) {
      String file = System.getProperty("chaos.candidate.classpath.file");
      if (file == null || file.isBlank()) {
        file = "target/candidate-ours.classpath";
      }
      return ChaosConfig.readClasspath(Path.of(file));
    }
    String override = System.getProperty("chaos.other.classpath.file");
    if (override != null && !override.isBlank()) {
      return ChaosConfig.readClasspath(Path.of(override));
    }
    Path target = Path.of("..", "candidates", "candidate-" + impl, "target").toAbsolutePath().normalize();
    try (Stream<Path> files = Files.list(target)) {
      Path jar = files.filter(p -> p.getFileName().toString().startsWith("candidate-" + impl + "-")
              && p.getFileName().toString().endsWith(".jar"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no jar in " + target + "; build the candidates first"));
      return jar + File.pathSeparator + ChaosConfig.readClasspath(target.resolve("runtime.classpath"));
    } catch (IOException e) {
      throw new UncheckedIOException("candidate-" + impl + " is not built (" + target + ")", e);
    }
  }

  static String candidateMain(String impl) {
    String main = System.getProperty("chaos.candidate.main");
    if (impl.equals("ours")) {
      return main == null || main.isBlank() ? OURS_MAIN : main;
    }
    if (main != null && !main.isBlank() && !main.equals(OURS_MAIN)) {
      return main;
    }
    String known = OTHER_MAINS.get(impl);
    if (known == null) {
      throw new IllegalArgumentException("unknown -Dchaos.impl=" + impl + "; give -Dchaos.candidate.main");
    }
    return known;
  }

  static Path runsDirectory() {
    String dir = System.getProperty("chaos.runs.dir");
    return Path.of(dir == null || dir.isBlank() ? "target/chaos-runs" : dir);
  }
}
