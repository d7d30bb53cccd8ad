package io.github.leaderelection.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.opentest4j.TestAbortedException;

/**
 * Decides where the real API server comes from, in this order:
 * <ol>
 *   <li>a cluster of one's own: the kubeconfig named by {@value #KUBECONFIG_ENV} (admin
 *       features only);</li>
 *   <li>the local etcd + kube-apiserver binaries (see {@link ApiServerBinaries});</li>
 *   <li>Testcontainers' K3s where Docker is available: not implemented yet.</li>
 * </ol>
 * With none of them the tests fail on CI (environment {@code CI=true}), so a CI that lost its
 * server does not pass green, and are skipped elsewhere.
 */
final class ApiServerSources {

    /** Environment variable naming the kubeconfig of a cluster to use instead of local binaries. */
    static final String KUBECONFIG_ENV = "LEADER_ELECTION_KUBECONFIG";

    private final UnaryOperator<String> env;
    private final ApiServerBinaries binaries;

    ApiServerSources(UnaryOperator<String> env, UnaryOperator<String> properties) {
        this.env = env;
        this.binaries = new ApiServerBinaries(env, properties);
    }

    /** The real environment and system properties. */
    static ApiServerSources fromSystem() {
        return new ApiServerSources(System::getenv, System::getProperty);
    }

    /**
     * Opens a server from the first source available.
     *
     * @throws TestAbortedException if there is none and this is not CI
     * @throws ApiServerUnavailableException if there is none and this is CI
     * @throws ApiServerStartException if the local binaries are there but do not start
     * @throws IllegalStateException if a configured location is wrong
     */
    AbstractApiServerHandle open() {
        String kubeconfig = env.apply(KUBECONFIG_ENV);
        if (kubeconfig != null && !kubeconfig.isBlank()) {
            Path file = Path.of(kubeconfig.trim());
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException(KUBECONFIG_ENV + "=" + kubeconfig + " is not a file");
            }
            return new KubeconfigApiServerHandle(file);
        }
        Optional<Path> binDir = binaries.locate();
        if (binDir.isPresent()) {
            LocalApiServer server = LocalApiServer.start(binDir.get());
            try {
                return new LocalApiServerHandle(server);
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
        }
        String message = noServerMessage();
        if ("true".equalsIgnoreCase(env.apply("CI"))) {
            throw new ApiServerUnavailableException(message + " (failing instead of skipping because CI=true)");
        }
        throw new TestAbortedException(message);
    }

    private String noServerMessage() {
        return "No Kubernetes API server for the real-server tests. Build etcd and kube-apiserver with"
                + " tools/apiserver/build.sh (needs Go; about 15 min the first time, cached after) and run"
                + " with -D" + ApiServerBinaries.BIN_PROPERTY + "=$(tools/apiserver/build.sh), or set "
                + ApiServerBinaries.BIN_ENV + ", or leave them in " + binaries.defaultDirectory()
                + "; or set " + KUBECONFIG_ENV + " to the kubeconfig of a cluster of your own (kind, k3d).";
    }
}
