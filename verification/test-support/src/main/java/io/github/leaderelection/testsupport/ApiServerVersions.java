package io.github.leaderelection.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The lines of {@code verification/apiserver/versions}: {@code role kubernetes etcd go}, one per
 * supported version that the tests run on ({@code default}, {@code oldest}, {@code newest}).
 * The same file drives {@code verification/apiserver/build.sh}, so the harness looks for the cache
 * entry that script makes.
 */
final class ApiServerVersions {

    /** The role {@code ./mvnw verify} uses when nothing else is chosen. */
    static final String DEFAULT_ROLE = "default";

    /** One line: which role, and the versions built for it. */
    record Line(String role, String kubernetes, String etcd) {

        /** The cache directory name {@code build.sh} uses, {@code kubernetes-<v>-etcd-<v>}. */
        String cacheEntry() {
            return "kubernetes-" + kubernetes + "-etcd-" + etcd;
        }
    }

    // Used only when the file cannot be found above the working directory (a module copied
    // out of the repository); kept equal to the file's default line.
    private static final Line FALLBACK = new Line(DEFAULT_ROLE, "v1.36.3", "v3.6.16");

    private final List<Line> lines;
    private final Path file;

    private ApiServerVersions(List<Line> lines, Path file) {
        this.lines = List.copyOf(lines);
        this.file = file;
    }

    /** The versions in {@code file}, or only the built-in default when {@code file} is null. */
    static ApiServerVersions read(Path file) {
        if (file == null) {
            return new ApiServerVersions(List.of(FALLBACK), null);
        }
        try {
            return parse(Files.readAllLines(file), file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
    }

    static ApiServerVersions parse(List<String> text, Path file) {
        List<Line> lines = new ArrayList<>();
        for (String raw : text) {
            int hash = raw.indexOf('#');
            String line = (hash >= 0 ? raw.substring(0, hash) : raw).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\\s+");
            if (f.length < 3) {
                throw new IllegalStateException(file + ": a line needs role, kubernetes and etcd versions: " + raw);
            }
            lines.add(new Line(f[0], f[1], f[2]));
        }
        return new ApiServerVersions(lines, file);
    }

    /**
     * The line whose role or Kubernetes version (with or without the leading {@code v}) is
     * {@code selector}; {@code null} or blank selects {@value #DEFAULT_ROLE}.
     *
     * @throws IllegalStateException if no line matches
     */
    Line select(String selector) {
        String want = selector == null || selector.isBlank() ? DEFAULT_ROLE : selector.trim();
        String version = Character.isDigit(want.charAt(0)) ? "v" + want : want;
        for (Line line : lines) {
            if (line.role().equals(want) || line.kubernetes().equals(version)) {
                return line;
            }
        }
        throw new IllegalStateException("No line for '" + want + "' in "
                + (file == null ? "the built-in versions (verification/apiserver/versions not found)" : file.toString())
                + "; roles: " + lines.stream().map(l -> l.role() + "=" + l.kubernetes()).toList());
    }

    /**
     * Whether a server's {@code gitVersion} is {@code expected}: equal, or the same with a
     * distribution's build suffix ({@code v1.35.4+k3s1}); the {@code v} is optional in
     * {@code expected}.
     */
    static boolean sameVersion(String expected, String gitVersion) {
        if (expected == null || gitVersion == null) {
            return false;
        }
        String want = expected.trim().toLowerCase(Locale.ROOT);
        if (!want.startsWith("v")) {
            want = "v" + want;
        }
        String got = gitVersion.trim().toLowerCase(Locale.ROOT);
        return got.equals(want) || got.startsWith(want + "+");
    }
}
