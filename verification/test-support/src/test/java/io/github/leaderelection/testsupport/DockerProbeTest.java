package io.github.leaderelection.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cheap Docker check, against sockets the test opens itself. */
class DockerProbeTest {

    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>();
    private final Map<String, String> properties = new HashMap<>();

    private DockerProbe probe() {
        properties.putIfAbsent("user.home", dir.resolve("home").toString());
        return new DockerProbe(env::get, properties::get);
    }

    @Test
    void aUnixSocketThatAcceptsAnswers() throws Exception {
        Path socket = dir.resolve("docker.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            env.put("DOCKER_HOST", "unix://" + socket);

            assertThat(probe().answers()).isTrue();
        }
    }

    @Test
    void aSocketFileNobodyListensOnDoesNotAnswer() throws Exception {
        Path socket = dir.resolve("docker.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
        }
        // The file stays when the daemon is gone, as after a crash.
        assertThat(Files.exists(socket)).isTrue();
        env.put("DOCKER_HOST", "unix://" + socket);

        assertThat(probe().answers()).isFalse();
    }

    @Test
    void aTcpEndpointAnswersWhileSomethingListens() throws Exception {
        int port;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = server.getLocalPort();
            env.put("DOCKER_HOST", "tcp://127.0.0.1:" + port);
            assertThat(probe().answers()).isTrue();
        }
        assertThat(probe().answers()).isFalse();
    }

    @Test
    void aConfiguredEndpointIsTheOnlyOneTried() {
        env.put("DOCKER_HOST", "unix://" + dir.resolve("absent.sock"));

        assertThat(probe().endpoints()).containsExactly("unix://" + dir.resolve("absent.sock"));
        assertThat(probe().answers()).isFalse();
    }

    @Test
    void withoutConfigurationTheUsualSocketsAreTried() {
        env.put("XDG_RUNTIME_DIR", "/run/user/1000");

        assertThat(probe().endpoints()).contains(
                "unix:///var/run/docker.sock",
                "unix:///run/user/1000/docker.sock",
                "unix://" + dir.resolve("home/.docker/run/docker.sock"));
    }

    @Test
    void theTestcontainersPropertiesFileCountsAsConfiguration() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(home.resolve(".testcontainers.properties"), "docker.host=tcp\\://127.0.0.1\\:1\n");

        assertThat(probe().endpoints()).containsExactly("tcp://127.0.0.1:1");
    }

    @Test
    void schemesWithoutACheapCheckAreLeftToTestcontainers() {
        assertThat(DockerProbe.accepts("npipe:////./pipe/docker_engine")).isTrue();
    }
}
