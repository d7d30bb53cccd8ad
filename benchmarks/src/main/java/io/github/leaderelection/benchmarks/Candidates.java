package io.github.leaderelection.benchmarks;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the built candidate programs are: each module's jar plus the runtime classpath its
 * build wrote to {@code target/runtime.classpath} (see candidates/pom.xml). Each
 * implementation thus runs with exactly its own client version.
 */
final class Candidates {

  private final Path repo;
  private final Map<Impl, String> classpaths = new EnumMap<>(Impl.class);
  private final Map<Impl, List<String>> entries = new EnumMap<>(Impl.class);

  Candidates(Path repo, List<Impl> impls) {
    this.repo = repo;
    for (Impl impl : impls) {
      Path target = repo.resolve("candidates").resolve(impl.module).resolve("target");
      Path cpFile = target.resolve("runtime.classpath");
      Path jar;
      try (Stream<Path> files = Files.list(target)) {
        jar = files.filter(p -> p.getFileName().toString().startsWith(impl.module + "-")
                && p.getFileName().toString().endsWith(".jar"))
            .findFirst().orElseThrow(() -> missing(impl));
      } catch (IOException e) {
        throw missing(impl);
      }
      if (!Files.isRegularFile(cpFile)) {
        throw missing(impl);
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
      entries.put(impl, List.copyOf(list));
      classpaths.put(impl, String.join(File.pathSeparator, list));
    }
  }

  private IllegalStateException missing(Impl impl) {
    return new IllegalStateException("candidate " + impl.module + " is not built (no jar or"
        + " target/runtime.classpath under " + repo.resolve("candidates").resolve(impl.module)
        + "); run ./mvnw -B -q install -DskipTests first");
  }

  String classpath(Impl impl) {
    return classpaths.get(impl);
  }

  /** The jar paths of an implementation's classpath, to read versions off. */
  List<String> entries(Impl impl) {
    return entries.get(impl);
  }

  /** The java of the runner's JDK. */
  Path javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /** jcmd of the runner's JDK (for heap figures). */
  Path jcmd() {
    return Path.of(System.getProperty("java.home"), "bin", "jcmd");
  }

  /** The repository root: the nearest directory upwards holding candidates/PROTOCOL.md. */
  static Path locateRepo(Path start) {
    for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("candidates").resolve("PROTOCOL.md"))) {
        return dir;
      }
    }
    throw new IllegalStateException("cannot find the repository (candidates/PROTOCOL.md) above " + start
        + "; pass --repo DIR");
  }
}
