package io.github.leaderelection.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Finds the directory holding {@code etcd} and {@code kube-apiserver}: the system property
 * {@value #BIN_PROPERTY}, else the environment variable {@value #BIN_ENV}, else the cache
 * entry {@code verification/apiserver/build.sh} would create for the chosen line of
 * {@code verification/apiserver/versions} ({@value #VERSION_ENV}, a role such as {@code newest} or a
 * listed version; {@code default} when unset), built by that script on first use when Go is
 * installed.
 */
final class ApiServerBinaries {

    /** System property naming the binaries' directory (failsafe passes the Maven property). */
    static final String BIN_PROPERTY = "leader.election.apiserver.bin";
    /** Environment variable naming the binaries' directory. */
    static final String BIN_ENV = "LEADER_ELECTION_APISERVER_BIN";
    /** Cache root of verification/apiserver/build.sh, default {@code ~/.cache/leader-election}. */
    static final String CACHE_ENV = "LEADER_ELECTION_CACHE";

    /** Which line of verification/apiserver/versions: a role ({@code oldest}) or a listed version. */
    static final String VERSION_ENV = "LEADER_ELECTION_KUBERNETES_VERSION";
    /** System property overriding {@value #VERSION_ENV}. */
    static final String VERSION_PROPERTY = "leader.election.kubernetes.version";

    private static final String VERSIONS_FILE = "verification/apiserver/versions";

    private final UnaryOperator<String> env;
    private final UnaryOperator<String> properties;

    ApiServerBinaries(UnaryOperator<String> env, UnaryOperator<String> properties) {
        this.env = env;
        this.properties = properties;
    }

    /**
     * The directory to use: configured, else the cache entry, else built; empty if none is
     * configured, the cache entry does not exist and it cannot be built.
     *
     * @throws IllegalStateException if a directory is configured explicitly but lacks a binary:
     *     that is a mistake to report, not a reason to skip
     */
    Optional<Path> locate() {
        Optional<Path> ready = locateReady();
        return ready.isPresent() ? ready : build();
    }

    /** Like {@link #locate()}, without building: only binaries that are already there. */
    Optional<Path> locateReady() {
        String configured = nonBlank(properties.apply(BIN_PROPERTY));
        String source = "-D" + BIN_PROPERTY;
        if (configured == null) {
            configured = nonBlank(env.apply(BIN_ENV));
            source = BIN_ENV;
        }
        if (configured != null) {
            Path dir = Path.of(configured);
            if (!holdsBinaries(dir)) {
                throw new IllegalStateException(source + "=" + configured
                        + " does not hold executable etcd and kube-apiserver binaries."
                        + " verification/apiserver/build.sh prints the right directory.");
            }
            return Optional.of(dir);
        }
        Path dir = defaultDirectory();
        return holdsBinaries(dir) ? Optional.of(dir) : Optional.empty();
    }

    /** Whether the directory is given explicitly (property or environment), not the cache default. */
    boolean isConfigured() {
        return nonBlank(properties.apply(BIN_PROPERTY)) != null || nonBlank(env.apply(BIN_ENV)) != null;
    }

    /**
     * Runs verification/apiserver/build.sh, so that {@code ./mvnw verify} on a fresh machine with Go
     * gets a real server rather than skipping. The script caches by version and holds a lock,
     * so concurrent test JVMs build once. Empty when the script or Go is missing, or it failed.
     */
    Optional<Path> build() {
        Path script = findUpwards("verification/apiserver/build.sh");
        if (script == null || !onPath("go")) {
            return Optional.empty();
        }
        System.err.println("[leader-election] No API server binaries yet: running " + script
                + " once (a cold build takes 5-20 minutes; later runs reuse the cache).");
        try {
            Process p = new ProcessBuilder("bash", script.toString(), versionLine().role())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (p.waitFor() != 0 || out.isEmpty()) {
                System.err.println("[leader-election] " + script + " failed (exit " + p.exitValue() + ")");
                return Optional.empty();
            }
            Path dir = Path.of(out.substring(out.lastIndexOf('\n') + 1));
            return holdsBinaries(dir) ? Optional.of(dir) : Optional.empty();
        } catch (IOException e) {
            System.err.println("[leader-election] could not run " + script + ": " + e);
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private boolean onPath(String command) {
        String path = env.apply("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    /** {@code relative} in the working directory or the nearest directory above it. */
    private Path findUpwards(String relative) {
        for (Path dir = Path.of(properties.apply("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path file = dir.resolve(relative);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        return null;
    }

    /** Where verification/apiserver/build.sh puts the binaries of the chosen version. */
    Path defaultDirectory() {
        String cache = nonBlank(env.apply(CACHE_ENV));
        Path cacheRoot = cache != null ? Path.of(cache)
                : Path.of(properties.apply("user.home"), ".cache", "leader-election");
        return cacheRoot.resolve("apiserver").resolve(versionLine().cacheEntry()).resolve("bin");
    }

    /** The line of verification/apiserver/versions chosen by {@value #VERSION_PROPERTY} or {@value #VERSION_ENV}. */
    ApiServerVersions.Line versionLine() {
        String selector = nonBlank(properties.apply(VERSION_PROPERTY));
        if (selector == null) {
            selector = nonBlank(env.apply(VERSION_ENV));
        }
        return ApiServerVersions.read(findUpwards(VERSIONS_FILE)).select(selector);
    }

    private static boolean holdsBinaries(Path dir) {
        return Files.isExecutable(dir.resolve("etcd")) && Files.isExecutable(dir.resolve("kube-apiserver"));
    }

    private static String nonBlank(String value) {
        // Failsafe passes an empty property when the Maven property is not set.
        return value == null || value.isBlank() ? null : value.trim();
    }
}
