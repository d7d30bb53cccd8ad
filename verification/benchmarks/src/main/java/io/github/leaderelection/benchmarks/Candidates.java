package io.github.leaderelection.benchmarks;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where the built candidate programs are, and the command line that starts each. A JVM
 * program: its module's jar plus the runtime classpath its build wrote to
 * {@code target/runtime.classpath} (see verification/candidates/pom.xml), so each implementation runs with
 * exactly its own client version. Any other program: what its {@code build.sh --path} prints
 * (the built binary, or the script node runs); that never builds, it only finds.
 */
final class Candidates {

  /** The candidate programs' folder, from the repository root. */
  static final String CANDIDATES = "verification/candidates";

  private static final Pattern GO_CLIENT = Pattern.compile("(?m)^\\s*k8s\\.io/client-go\\s+(v\\S+)");
  private static final Pattern JSON_VERSION = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"");

  private final Path repo;
  private final Map<Impl, List<String>> commands = new EnumMap<>(Impl.class);
  private final Map<Impl, String> descriptions = new EnumMap<>(Impl.class);

  Candidates(Path repo, List<Impl> impls) {
    this.repo = repo;
    for (Impl impl : impls) {
      Path dir = repo.resolve(CANDIDATES).resolve(impl.module);
      switch (impl.kind) {
        case JVM -> {
          List<String> classpath = jvmClasspath(impl, dir.resolve(impl.target));
          List<String> command = new ArrayList<>();
          command.add(javaBinary().toString());
          command.addAll(CandidateProcess.JVM_OPTIONS);
          command.add("-cp");
          command.add(String.join(File.pathSeparator, classpath));
          command.add(impl.mainClass);
          commands.put(impl, List.copyOf(command));
          descriptions.put(impl, impl.describe(classpath));
        }
        case EXECUTABLE -> {
          commands.put(impl, List.of(builtPath(impl, dir)));
          descriptions.put(impl, impl.describe(firstGroup(GO_CLIENT, dir.resolve("go.mod"))));
        }
        case NODE -> {
          commands.put(impl, List.of("node", builtPath(impl, dir)));
          Path modules = dir.resolve("node_modules");
          descriptions.put(impl, impl.describe(firstGroup(JSON_VERSION,
                  modules.resolve("@codedependant/kubernetes-leader-election/package.json"))
              + " on @kubernetes/client-node "
              + firstGroup(JSON_VERSION, modules.resolve("@kubernetes/client-node/package.json"))));
        }
        default -> throw new IllegalStateException(impl.kind.toString());
      }
    }
  }

  private List<String> jvmClasspath(Impl impl, Path target) {
    Path cpFile = target.resolve("runtime.classpath");
    Path jar;
    try (Stream<Path> files = Files.list(target)) {
      jar = files.filter(p -> p.getFileName().toString().startsWith(impl.module + "-")
              && p.getFileName().toString().endsWith(".jar"))
          .findFirst().orElseThrow(() -> missing(impl, target));
    } catch (IOException e) {
      throw missing(impl, target);
    }
    if (!Files.isRegularFile(cpFile)) {
      throw missing(impl, target);
    }
    List<String> list = new ArrayList<>();
    list.add(jar.toString());
    try {
      String cp = Files.readString(cpFile).trim();
      if (!cp.isEmpty()) {
        list.addAll(List.of(cp.split(File.pathSeparator)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.copyOf(list);
  }

  private IllegalStateException missing(Impl impl, Path target) {
    boolean ownBuild = Files.isRegularFile(repo.resolve(CANDIDATES).resolve(impl.module).resolve("build.sh"));
    String how = ownBuild
        ? "run verification/candidates/" + impl.module + "/build.sh" + (impl == Impl.SPRING_CLOUD_FABRIC8 ? " fabric8" : "")
            + ", or verification/benchmarks/run.sh --impls " + impl.id + " without BENCHMARKS_SKIP_BUILD"
        : "run ./mvnw -B -q install -DskipTests first";
    return new IllegalStateException("candidate " + impl.id + " is not built (no jar or runtime.classpath in "
        + target + "); " + how);
  }

  /** The path {@code build.sh --path} prints; it fails (and says why) when nothing is built. */
  private static String builtPath(Impl impl, Path dir) {
    Path script = dir.resolve("build.sh");
    try {
      Process p = new ProcessBuilder("bash", script.toString(), "--path").redirectErrorStream(false).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || out.isEmpty()) {
        throw new IllegalStateException("candidate " + impl.id + " is not built: " + err
            + " (or run verification/benchmarks/run.sh --impls " + impl.id + " without BENCHMARKS_SKIP_BUILD)");
      }
      String[] lines = out.split("\\R");
      return lines[lines.length - 1];
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + script, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static String firstGroup(Pattern pattern, Path file) {
    try {
      Matcher m = pattern.matcher(Files.readString(file));
      return m.find() ? m.group(1) : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** The command line that starts a candidate of {@code impl}, before the protocol's arguments. */
  List<String> command(Impl impl) {
    return commands.get(impl);
  }

  /** "io.fabric8:kubernetes-client 8.0.0": the implementation and its version. */
  String describe(Impl impl) {
    return descriptions.get(impl);
  }

  /** The java of the runner's JDK. */
  Path javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /** jcmd of the runner's JDK (for heap figures). */
  Path jcmd() {
    return Path.of(System.getProperty("java.home"), "bin", "jcmd");
  }

  /** The repository root: the nearest directory upwards holding verification/candidates/PROTOCOL.md. */
  static Path locateRepo(Path start) {
    for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(CANDIDATES).resolve("PROTOCOL.md"))) {
        return dir;
      }
    }
    throw new IllegalStateException("cannot find the repository (verification/candidates/PROTOCOL.md) above " + start
        + "; pass --repo DIR");
  }
}
