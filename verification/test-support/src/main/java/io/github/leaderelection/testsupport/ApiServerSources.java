package io.github.leaderelection.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.opentest4j.TestAbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides where the real API server comes from.
 *
 * <p>{@value #SOURCE_ENV} (or {@code -D}{@value #SOURCE_PROPERTY}) names one source,
 * {@code local}, {@code kubeconfig} or {@code k3s}, and then only that one is used: if it cannot
 * be had the tests fail, on CI and elsewhere, since someone asked for it. Unset (or
 * {@code auto}), the first of these that is there is used:
 * <ol>
 *   <li>a cluster of one's own: the kubeconfig named by {@value #KUBECONFIG_ENV} (admin
 *       features only);</li>
 *   <li>local etcd + kube-apiserver binaries that are there: the directory configured by
 *       {@code LEADER_ELECTION_APISERVER_BIN}, or the cache entry of the chosen version (see
 *       {@link ApiServerBinaries});</li>
 *   <li>those binaries built on the spot by {@code verification/apiserver/build.sh}, where Go is
 *       installed;</li>
 *   <li>K3s in Docker (Testcontainers), where a Docker daemon answers and
 *       {@code org.testcontainers:testcontainers-k3s} is on the test class path. Last because it
 *       lacks the local server's request counts and process control.</li>
 * </ol>
 * With none of them the tests fail on CI (environment {@code CI=true}), so a CI that lost its
 * server does not pass green, and are skipped elsewhere.
 *
 * <p>Once open, the server's version is logged and recorded in the system property
 * {@value #VERSION_REPORT_PROPERTY} (test reports list system properties), and compared with
 * {@value #EXPECT_VERSION_ENV} when that is set: a run meant for another version fails.
 */
final class ApiServerSources {

    private static final Logger log = LoggerFactory.getLogger(ApiServerSources.class);

    /** Environment variable naming the kubeconfig of a cluster to use instead of local binaries. */
    static final String KUBECONFIG_ENV = "LEADER_ELECTION_KUBECONFIG";
    /** Environment variable choosing the source: {@code auto}, {@code local}, {@code kubeconfig}, {@code k3s}. */
    static final String SOURCE_ENV = "LEADER_ELECTION_APISERVER";
    /** System property overriding {@value #SOURCE_ENV}. */
    static final String SOURCE_PROPERTY = "leader.election.apiserver";
    /** Environment variable overriding the K3s image (default {@code rancher/k3s:<chosen version>-k3s1}). */
    static final String K3S_IMAGE_ENV = "LEADER_ELECTION_K3S_IMAGE";
    /** Environment variable: the Kubernetes version the server must report, such as {@code v1.37.2}. */
    static final String EXPECT_VERSION_ENV = "LEADER_ELECTION_EXPECT_KUBERNETES_VERSION";
    /** System property overriding {@value #EXPECT_VERSION_ENV}. */
    static final String EXPECT_VERSION_PROPERTY = "leader.election.expect.kubernetes.version";
    /** System property the harness sets to the server's version once it is open. */
    static final String VERSION_REPORT_PROPERTY = "leader.election.apiserver.version";

    /** The sources one can ask for by name. */
    enum Kind {
        AUTO, LOCAL, KUBECONFIG, K3S
    }

    /** Where the server will come from: decided before anything is started. */
    sealed interface Choice permits UseKubeconfig, UseLocal, UseK3s, NoServer {
    }

    /** A cluster of one's own. */
    record UseKubeconfig(Path file) implements Choice {
    }

    /** The local binaries in {@code binDir}. */
    record UseLocal(Path binDir) implements Choice {
    }

    /** K3s from {@code image}. */
    record UseK3s(String image) implements Choice {
    }

    /** No source is there; {@code message} says how to get one. */
    record NoServer(String message) implements Choice {
    }

    /** The K3s source, behind an interface so that the choice can be tested without Docker. */
    interface K3s {

        /** Whether testcontainers-k3s is on the class path. */
        boolean onClassPath();

        /** Whether a Docker daemon answers (only asked when {@link #onClassPath()}). */
        boolean dockerAnswers();

        /** Starts K3s. */
        AbstractApiServerHandle start(String image, ServerOptions options);
    }

    private final UnaryOperator<String> env;
    private final UnaryOperator<String> properties;
    private final ApiServerBinaries binaries;
    private final K3s k3s;

    ApiServerSources(UnaryOperator<String> env, UnaryOperator<String> properties, K3s k3s) {
        this.env = env;
        this.properties = properties;
        this.binaries = new ApiServerBinaries(env, properties);
        this.k3s = k3s;
    }

    /** The real environment and system properties, and K3s through Testcontainers. */
    static ApiServerSources fromSystem() {
        return new ApiServerSources(System::getenv, System::getProperty,
                new TestcontainersK3s(new DockerProbe(System::getenv, System::getProperty)));
    }

    /** The source asked for by {@value #SOURCE_PROPERTY} or {@value #SOURCE_ENV}. */
    Kind requested() {
        String value = nonBlank(properties.apply(SOURCE_PROPERTY));
        String from = "-D" + SOURCE_PROPERTY;
        if (value == null) {
            value = nonBlank(env.apply(SOURCE_ENV));
            from = SOURCE_ENV;
        }
        if (value == null) {
            return Kind.AUTO;
        }
        try {
            return Kind.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(from + "=" + value + " is none of auto, local, kubeconfig, k3s");
        }
    }

    /**
     * Decides the source without starting anything (except that {@code auto} and {@code local}
     * may build the local binaries, which is how a fresh machine with Go gets them).
     *
     * @throws ApiServerUnavailableException if a source asked for by name cannot be had
     * @throws IllegalStateException if a configured location is wrong
     */
    Choice choose() {
        Kind kind = requested();
        switch (kind) {
            case KUBECONFIG -> {
                UseKubeconfig choice = kubeconfig();
                if (choice == null) {
                    throw new ApiServerUnavailableException(SOURCE_ENV + "=kubeconfig, but " + KUBECONFIG_ENV
                            + " names no kubeconfig file.");
                }
                return choice;
            }
            case LOCAL -> {
                return binaries.locate().<Choice>map(UseLocal::new).orElseThrow(() ->
                        new ApiServerUnavailableException(SOURCE_ENV + "=local, but there are no binaries. "
                                + howToGetBinaries()));
            }
            case K3S -> {
                if (!k3s.onClassPath()) {
                    throw new ApiServerUnavailableException(SOURCE_ENV + "=k3s, but " + K3sApiServer.CONTAINER_CLASS
                            + " is not on the test class path: add org.testcontainers:testcontainers-k3s"
                            + " (test scope) to the module.");
                }
                if (!k3s.dockerAnswers()) {
                    throw new ApiServerUnavailableException(SOURCE_ENV + "=k3s, but no Docker daemon answers"
                            + " (DOCKER_HOST, /var/run/docker.sock and the usual user sockets were tried).");
                }
                return new UseK3s(k3sImage());
            }
            default -> {
                return chooseAutomatically();
            }
        }
    }

    private Choice chooseAutomatically() {
        UseKubeconfig kubeconfig = kubeconfig();
        if (kubeconfig != null) {
            return kubeconfig;
        }
        Optional<Path> ready = binaries.locateReady();
        if (ready.isPresent()) {
            return new UseLocal(ready.get());
        }
        Optional<Path> built = binaries.build();
        if (built.isPresent()) {
            return new UseLocal(built.get());
        }
        if (k3s.onClassPath() && k3s.dockerAnswers()) {
            return new UseK3s(k3sImage());
        }
        return new NoServer(noServerMessage());
    }

    /**
     * Opens a server from the chosen source, configured with {@code options}, and checks its
     * version.
     *
     * @throws TestAbortedException if there is none and this is not CI
     * @throws ApiServerUnavailableException if there is none and this is CI, or the source
     *     asked for by name cannot be had
     * @throws ApiServerStartException if the source is there but the server does not start
     * @throws IllegalStateException if a configured location is wrong, the options cannot be
     *     applied to the source, or the server reports another version than expected
     */
    AbstractApiServerHandle open(ServerOptions options) {
        Choice choice = choose();
        AbstractApiServerHandle handle;
        if (choice instanceof UseKubeconfig k) {
            if (!options.isDefault()) {
                throw new IllegalStateException("This test class needs a server started with "
                        + options.describe() + "; the cluster from " + KUBECONFIG_ENV
                        + " is not started by the harness. Unset " + KUBECONFIG_ENV + " to run it.");
            }
            handle = new KubeconfigApiServerHandle(k.file());
        } else if (choice instanceof UseLocal l) {
            LocalApiServer server = LocalApiServer.start(l.binDir(), options);
            try {
                handle = new LocalApiServerHandle(server);
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
        } else if (choice instanceof UseK3s k) {
            handle = k3s.start(k.image(), options);
        } else {
            String message = ((NoServer) choice).message();
            if ("true".equalsIgnoreCase(env.apply("CI"))) {
                throw new ApiServerUnavailableException(message + " (failing instead of skipping because CI=true)");
            }
            throw new TestAbortedException(message);
        }
        try {
            checkVersion(handle.serverVersion(), handle.toString());
        } catch (RuntimeException e) {
            handle.close();
            throw e;
        }
        return handle;
    }

    /** The version expected by {@value #EXPECT_VERSION_PROPERTY} or {@value #EXPECT_VERSION_ENV}, or null. */
    String expectedVersion() {
        String expected = nonBlank(properties.apply(EXPECT_VERSION_PROPERTY));
        return expected != null ? expected : nonBlank(env.apply(EXPECT_VERSION_ENV));
    }

    /**
     * Logs and records {@code actual}, the version the server reports, and fails if another one
     * was expected.
     *
     * @throws IllegalStateException if {@code actual} is not the expected version
     */
    void checkVersion(String actual, String server) {
        String expected = expectedVersion();
        log.info("Real API server: Kubernetes {} ({}){}", actual, server,
                expected == null ? "" : ", expected " + expected);
        System.setProperty(VERSION_REPORT_PROPERTY, String.valueOf(actual));
        if (expected != null && !ApiServerVersions.sameVersion(expected, actual)) {
            throw new IllegalStateException("The real API server reports Kubernetes " + actual + " but "
                    + EXPECT_VERSION_ENV + " expects " + expected + " (" + server + "). Point "
                    + ApiServerBinaries.BIN_ENV + " at that version's binaries: verification/apiserver/build.sh " + expected);
        }
    }

    private UseKubeconfig kubeconfig() {
        String kubeconfig = nonBlank(env.apply(KUBECONFIG_ENV));
        if (kubeconfig == null) {
            return null;
        }
        Path file = Path.of(kubeconfig);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(KUBECONFIG_ENV + "=" + kubeconfig + " is not a file");
        }
        return new UseKubeconfig(file);
    }

    /** {@value #K3S_IMAGE_ENV}, else the K3s release of the chosen Kubernetes version. */
    String k3sImage() {
        String image = nonBlank(env.apply(K3S_IMAGE_ENV));
        return image != null ? image : "rancher/k3s:" + binaries.versionLine().kubernetes() + "-k3s1";
    }

    private String howToGetBinaries() {
        return "Build etcd and kube-apiserver with verification/apiserver/build.sh (needs Go; about 7-15 min the first"
                + " time, cached after) and run with -D" + ApiServerBinaries.BIN_PROPERTY
                + "=$(verification/apiserver/build.sh), or set " + ApiServerBinaries.BIN_ENV + ", or leave them in "
                + binaries.defaultDirectory() + ".";
    }

    private String noServerMessage() {
        return "No Kubernetes API server for the real-server tests. " + howToGetBinaries()
                + " Or set " + KUBECONFIG_ENV + " to the kubeconfig of a cluster of your own (kind, k3d),"
                + " or " + SOURCE_ENV + "=k3s with Docker and org.testcontainers:testcontainers-k3s.";
    }

    private static String nonBlank(String value) {
        // Failsafe passes an empty property when the Maven property is not set.
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** The real K3s source: the class path and the Docker probe, then Testcontainers. */
    static final class TestcontainersK3s implements K3s {

        private final DockerProbe docker;

        TestcontainersK3s(DockerProbe docker) {
            this.docker = docker;
        }

        @Override
        public boolean onClassPath() {
            try {
                Class.forName(K3sApiServer.CONTAINER_CLASS, false, ApiServerSources.class.getClassLoader());
                return true;
            } catch (ClassNotFoundException | LinkageError e) {
                return false;
            }
        }

        @Override
        public boolean dockerAnswers() {
            // The cheap probe first: Testcontainers' own check takes seconds when nothing is there.
            return docker.answers() && K3sApiServer.dockerAvailable();
        }

        @Override
        public AbstractApiServerHandle start(String image, ServerOptions options) {
            return K3sApiServer.start(image, options);
        }
    }
}
