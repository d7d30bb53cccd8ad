package io.github.leaderelection.testsupport;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.UnaryOperator;

/**
 * Whether a Docker daemon answers, cheaply and without Testcontainers: a connect to the
 * endpoint that {@code DOCKER_HOST} (or {@code docker.host} in
 * {@code ~/.testcontainers.properties}) names, else to the usual sockets (system, rootless,
 * Docker Desktop, Colima, Rancher Desktop, Podman). It only tells that something listens; the
 * K3s source then lets Testcontainers judge for itself.
 */
final class DockerProbe {

    private static final int CONNECT_TIMEOUT_MILLIS = 500;

    private final UnaryOperator<String> env;
    private final UnaryOperator<String> properties;

    DockerProbe(UnaryOperator<String> env, UnaryOperator<String> properties) {
        this.env = env;
        this.properties = properties;
    }

    /** Whether one of {@link #endpoints()} accepts a connection. */
    boolean answers() {
        for (String endpoint : endpoints()) {
            if (accepts(endpoint)) {
                return true;
            }
        }
        return false;
    }

    /** Where to look, in order: the configured endpoint only, if any; else the usual sockets. */
    List<String> endpoints() {
        String configured = nonBlank(env.apply("DOCKER_HOST"));
        if (configured == null) {
            configured = testcontainersDockerHost();
        }
        if (configured != null) {
            return List.of(configured);
        }
        List<Path> sockets = new ArrayList<>();
        sockets.add(Path.of("/var/run/docker.sock"));
        String runtimeDir = nonBlank(env.apply("XDG_RUNTIME_DIR"));
        if (runtimeDir != null) {
            sockets.add(Path.of(runtimeDir, "docker.sock"));
            sockets.add(Path.of(runtimeDir, "podman", "podman.sock"));
        }
        String home = nonBlank(properties.apply("user.home"));
        if (home != null) {
            sockets.add(Path.of(home, ".docker", "run", "docker.sock"));
            sockets.add(Path.of(home, ".docker", "desktop", "docker.sock"));
            sockets.add(Path.of(home, ".colima", "default", "docker.sock"));
            sockets.add(Path.of(home, ".rd", "docker.sock"));
        }
        return sockets.stream().map(path -> "unix://" + path).toList();
    }

    private String testcontainersDockerHost() {
        String home = nonBlank(properties.apply("user.home"));
        if (home == null) {
            return null;
        }
        Path file = Path.of(home, ".testcontainers.properties");
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            p.load(reader);
        } catch (IOException e) {
            return null;
        }
        return nonBlank(p.getProperty("docker.host"));
    }

    /**
     * A connect to {@code unix://<path>} or {@code tcp://host:port}; other schemes (Windows
     * named pipes, ssh) count as answering: nothing cheap can be tried, Testcontainers decides.
     */
    static boolean accepts(String endpoint) {
        if (endpoint.startsWith("unix://")) {
            Path socket = Path.of(endpoint.substring("unix://".length()));
            if (!Files.exists(socket)) {
                return false;
            }
            try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                return channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }
        if (endpoint.startsWith("tcp://")) {
            URI uri = URI.create(endpoint);
            int port = uri.getPort() != -1 ? uri.getPort() : 2375;
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(uri.getHost(), port), CONNECT_TIMEOUT_MILLIS);
                return true;
            } catch (IOException | IllegalArgumentException e) {
                return false;
            }
        }
        return true;
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
