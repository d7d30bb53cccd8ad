package io.github.leaderelection.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Starts K3s in Docker through Testcontainers and hands it over as a kubeconfig cluster.
 *
 * <p>The only class of the harness that names a Testcontainers type: it is loaded only after
 * {@link ApiServerSources} found {@value #CONTAINER_CLASS} on the class path, so modules that do
 * not declare {@code org.testcontainers:testcontainers-k3s} never need it.
 */
final class K3sApiServer {

    /** What {@link ApiServerSources} looks for before touching this class. */
    static final String CONTAINER_CLASS = "org.testcontainers.k3s.K3sContainer";

    private K3sApiServer() {
    }

    /** Testcontainers' own check (it tries every way it knows to reach a Docker daemon). */
    static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    /**
     * Starts {@code image} (a {@code rancher/k3s} tag) with {@code options} passed to its
     * kube-apiserver, and returns a handle that stops the container when closed.
     *
     * @throws ApiServerStartException if the container does not come up
     */
    static AbstractApiServerHandle start(String image, ServerOptions options) {
        K3sContainer k3s = new K3sContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("rancher/k3s"));
        k3s.setCommand(command(k3s.getCommandParts(), options));
        try {
            k3s.start();
        } catch (RuntimeException e) {
            k3s.stop();
            throw new ApiServerStartException("K3s (" + image + ") did not start: " + e.getMessage(), e);
        }
        Path kubeconfig;
        try {
            kubeconfig = Files.createTempFile("leader-election-k3s-", ".kubeconfig");
            Files.writeString(kubeconfig, k3s.getKubeConfigYaml());
            kubeconfig.toFile().deleteOnExit();
        } catch (IOException | RuntimeException e) {
            k3s.stop();
            throw e instanceof IOException io ? new UncheckedIOException("could not write the K3s kubeconfig", io)
                    : (RuntimeException) e;
        }
        return KubeconfigApiServerHandle.startedCluster(kubeconfig, "K3s " + image, k3s::stop);
    }

    /** K3sContainer's own command, plus {@code options} as kube-apiserver arguments. */
    static String[] command(String[] base, ServerOptions options) {
        List<String> command = new ArrayList<>(Arrays.asList(base));
        if (!options.featureGates().isEmpty()) {
            command.add("--kube-apiserver-arg=feature-gates=" + String.join(",", options.featureGates()));
        }
        if (!options.runtimeConfig().isEmpty()) {
            command.add("--kube-apiserver-arg=runtime-config=" + String.join(",", options.runtimeConfig()));
        }
        return command.toArray(String[]::new);
    }
}
