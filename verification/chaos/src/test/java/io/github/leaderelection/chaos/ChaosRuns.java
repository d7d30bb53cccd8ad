package io.github.leaderelection.chaos;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What the chaos ITs share: where the candidate programs are, where runs are written. */
final class ChaosRuns {

  static final String OURS_MAIN = "io.github.leaderelection.candidate.OursCandidate";

  /** Main classes of the other JVM candidate programs (verification/candidates/candidate-<impl>). */
  private static final Map<String, String> OTHER_MAINS = Map.of(
      "client-java", "io.github.leaderelection.candidate.clientjava.ClientJavaCandidate",
      "fabric8", "io.github.leaderelection.candidate.fabric8.Fabric8Candidate",
      "spring-cloud", "io.github.leaderelection.candidate.springcloud.SpringCloudCandidate",
      "spring-cloud-fabric8", "io.github.leaderelection.candidate.springcloud.SpringCloudCandidate");

  /**
   * Where a JVM program's jar and runtime.classpath are, when not verification/candidates/candidate-<impl>/target:
   * both Spring Cloud flavours are one standalone build (its README), the fabric8 one with -Pfabric8.
   */
  private static final Map<String, String> TARGETS = Map.of(
      "spring-cloud", "candidate-spring-cloud/target",
      "spring-cloud-fabric8", "candidate-spring-cloud/target/fabric8");

  /**
   * The candidate programs that are no JVM: the folder whose {@code build.sh --path} prints the
   * built program, and whether node runs it.
   */
  private static final Map<String, Boolean> EXECUTABLES = Map.of("client-go", false, "node", true);

  private ChaosRuns() {}

  /**
   * Ours: the classpath written at build time (-Dchaos.candidate.classpath.file). Others: the
   * module's jar plus the target/runtime.classpath its build wrote (verification/candidates/pom.xml).
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
    String relative = TARGETS.getOrDefault(impl, "candidate-" + impl + "/target");
    String module = relative.substring(0, relative.indexOf('/'));
    Path target = Path.of("..", "candidates").resolve(relative).toAbsolutePath().normalize();
    try (Stream<Path> files = Files.list(target)) {
      Path jar = files.filter(p -> p.getFileName().toString().startsWith(module + "-")
              && p.getFileName().toString().endsWith(".jar"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no jar in " + target + "; build the candidates first"));
      return jar + File.pathSeparator + ChaosConfig.readClasspath(target.resolve("runtime.classpath"));
    } catch (IOException e) {
      throw new UncheckedIOException("candidate-" + impl + " is not built (" + target + ")", e);
    }
  }

  /** Whether {@code impl} is a program that is no JVM (see {@link #executable}). */
  static boolean isExecutable(String impl) {
    return EXECUTABLES.containsKey(impl);
  }

  /**
   * The command of a candidate program that is no JVM: what verification/candidates/candidate-<impl>/build.sh
   * --path prints (it fails, saying how to build, when nothing is built), run by node for node.
   */
  static List<String> executable(String impl) {
    Path script = Path.of("..", "candidates", "candidate-" + impl, "build.sh").toAbsolutePath().normalize();
    try {
      Process p = new ProcessBuilder("bash", script.toString(), "--path")
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || out.isEmpty()) {
        throw new IllegalStateException("candidate-" + impl + " is not built: run " + script);
      }
      String path = out.lines().reduce((a, b) -> b).orElseThrow();
      return EXECUTABLES.get(impl) ? List.of("node", path) : List.of(path);
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + script, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
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
