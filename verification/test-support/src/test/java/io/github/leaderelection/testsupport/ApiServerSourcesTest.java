package io.github.leaderelection.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.leaderelection.testsupport.ApiServerSources.Choice;
import io.github.leaderelection.testsupport.ApiServerSources.NoServer;
import io.github.leaderelection.testsupport.ApiServerSources.UseK3s;
import io.github.leaderelection.testsupport.ApiServerSources.UseKubeconfig;
import io.github.leaderelection.testsupport.ApiServerSources.UseLocal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/**
 * Which source is picked (explicitly, automatically, with and without Docker), and skip versus
 * fail when there is none. No server or container is started: K3s is a fake here.
 */
class ApiServerSourcesTest {

    @TempDir
    Path home;

    private final Map<String, String> env = new HashMap<>();
    private final Map<String, String> properties = new HashMap<>();
    private final FakeK3s k3s = new FakeK3s();

    /** A K3s source whose class path and Docker are what the test says; starting is recorded. */
    static final class FakeK3s implements ApiServerSources.K3s {
        boolean onClassPath;
        boolean docker;
        final List<String> started = new ArrayList<>();

        @Override
        public boolean onClassPath() {
            return onClassPath;
        }

        @Override
        public boolean dockerAnswers() {
            return docker;
        }

        @Override
        public AbstractApiServerHandle start(String image, ServerOptions options) {
            started.add(image + " " + options.describe());
            throw new ApiServerStartException("fake K3s does not start", null);
        }
    }

    private ApiServerSources sources() {
        properties.putIfAbsent("user.home", home.toString());
        properties.putIfAbsent("user.dir", home.toString());
        return new ApiServerSources(env::get, properties::get, k3s);
    }

    @AfterEach
    void clearReportedVersion() {
        System.clearProperty(ApiServerSources.VERSION_REPORT_PROPERTY);
    }

    // --- no server ---------------------------------------------------------------------------------

    @Test
    void skipsWithoutAnyServerOutsideCi() {
        assertThatThrownBy(() -> sources().open(ServerOptions.DEFAULT))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("verification/apiserver/build.sh")
                .hasMessageContaining("LEADER_ELECTION_KUBECONFIG")
                .hasMessageContaining("LEADER_ELECTION_APISERVER=k3s");
    }

    @Test
    void failsWithoutAnyServerOnCi() {
        env.put("CI", "true");

        assertThatThrownBy(() -> sources().open(ServerOptions.DEFAULT))
                .isInstanceOf(ApiServerUnavailableException.class)
                .hasMessageContaining("verification/apiserver/build.sh");
    }

    @Test
    void anEmptyBinPropertyCountsAsUnset() {
        // What failsafe passes when the Maven property is not given.
        properties.put(ApiServerBinaries.BIN_PROPERTY, "");

        assertThatThrownBy(() -> sources().open(ServerOptions.DEFAULT)).isInstanceOf(TestAbortedException.class);
    }

    @Test
    void aConfiguredDirectoryWithoutBinariesIsAnError() {
        env.put(ApiServerBinaries.BIN_ENV, home.resolve("nothing-here").toString());

        assertThatThrownBy(() -> sources().open(ServerOptions.DEFAULT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(ApiServerBinaries.BIN_ENV);
    }

    @Test
    void aMissingKubeconfigIsAnError() {
        env.put(ApiServerSources.KUBECONFIG_ENV, home.resolve("absent").toString());

        assertThatThrownBy(() -> sources().open(ServerOptions.DEFAULT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(ApiServerSources.KUBECONFIG_ENV);
    }

    // --- automatic choice --------------------------------------------------------------------------

    @Test
    void autoPicksK3sWhenDockerAnswersAndNoLocalBinariesCanBeHad() {
        dockerWithK3s();

        Choice choice = sources().choose();

        assertThat(choice).isEqualTo(new UseK3s("rancher/k3s:v1.36.3-k3s1"));
    }

    @Test
    void autoLeavesK3sAloneWithoutDocker() {
        k3s.onClassPath = true;

        assertThat(sources().choose()).isInstanceOf(NoServer.class);
    }

    @Test
    void autoLeavesK3sAloneWhenTestcontainersIsNotOnTheClassPath() {
        k3s.docker = true;

        assertThat(sources().choose()).isInstanceOf(NoServer.class);
    }

    @Test
    void autoPrefersConfiguredBinariesToDocker() throws IOException {
        dockerWithK3s();
        Path bin = fakeBinaries(home.resolve("bin"));
        env.put(ApiServerBinaries.BIN_ENV, bin.toString());

        assertThat(sources().choose()).isEqualTo(new UseLocal(bin));
    }

    @Test
    void autoPrefersCachedBinariesOfTheChosenVersionToDocker() throws IOException {
        dockerWithK3s();
        Path cache = home.resolve(".cache/leader-election/apiserver/kubernetes-v1.36.3-etcd-v3.6.16/bin");
        fakeBinaries(cache);

        assertThat(sources().choose()).isEqualTo(new UseLocal(cache));
    }

    @Test
    void autoPrefersAKubeconfigToBinariesAndDocker() throws IOException {
        dockerWithK3s();
        env.put(ApiServerBinaries.BIN_ENV, fakeBinaries(home.resolve("bin")).toString());
        Path kubeconfig = Files.writeString(home.resolve("kubeconfig"), "apiVersion: v1\n");
        env.put(ApiServerSources.KUBECONFIG_ENV, kubeconfig.toString());

        assertThat(sources().choose()).isEqualTo(new UseKubeconfig(kubeconfig));
    }

    // --- explicit choice ---------------------------------------------------------------------------

    @Test
    void explicitK3sWinsOverBinariesAndKubeconfig() throws IOException {
        dockerWithK3s();
        env.put(ApiServerSources.SOURCE_ENV, "k3s");
        env.put(ApiServerBinaries.BIN_ENV, fakeBinaries(home.resolve("bin")).toString());
        env.put(ApiServerSources.KUBECONFIG_ENV, Files.writeString(home.resolve("kubeconfig"), "x").toString());

        assertThat(sources().choose()).isInstanceOf(UseK3s.class);
    }

    @Test
    void explicitK3sStartsTheImageOfTheChosenVersionWithTheClassOptions() {
        dockerWithK3s();
        env.put(ApiServerSources.SOURCE_ENV, "K3S"); // case does not matter
        env.put(ApiServerBinaries.VERSION_ENV, "oldest");
        properties.put("user.dir", System.getProperty("user.dir")); // the repository's versions file
        ServerOptions options = new ServerOptions(List.of("CoordinatedLeaderElection=true"), List.of());

        assertThatThrownBy(() -> sources().open(options)).isInstanceOf(ApiServerStartException.class);

        assertThat(k3s.started).singleElement().asString()
                .startsWith("rancher/k3s:v1.34.4-k3s1 ")
                .contains("CoordinatedLeaderElection=true");
    }

    @Test
    void theK3sImageCanBeGivenOutright() {
        dockerWithK3s();
        env.put(ApiServerSources.SOURCE_ENV, "k3s");
        env.put(ApiServerSources.K3S_IMAGE_ENV, "registry.example/k3s:v1.35.4-k3s2");

        assertThat(sources().choose()).isEqualTo(new UseK3s("registry.example/k3s:v1.35.4-k3s2"));
    }

    @Test
    void explicitK3sWithoutDockerFailsAlsoOutsideCi() {
        k3s.onClassPath = true;
        env.put(ApiServerSources.SOURCE_ENV, "k3s");

        assertThatThrownBy(() -> sources().open(ServerOptions.DEFAULT))
                .isInstanceOf(ApiServerUnavailableException.class)
                .hasMessageContaining("no Docker daemon answers");
    }

    @Test
    void explicitK3sWithoutDockerFailsOnCi() {
        k3s.onClassPath = true;
        env.put("CI", "true");
        env.put(ApiServerSources.SOURCE_ENV, "k3s");

        ServerSession session = ServerSession.open(() -> sources().open(ServerOptions.DEFAULT));

        assertThat(session.isSkip()).isFalse();
        assertThatThrownBy(session::handle).isInstanceOf(ApiServerUnavailableException.class);
    }

    @Test
    void explicitK3sWithoutTheModuleSaysWhichDependencyToAdd() {
        k3s.docker = true;
        env.put(ApiServerSources.SOURCE_ENV, "k3s");

        assertThatThrownBy(() -> sources().choose())
                .isInstanceOf(ApiServerUnavailableException.class)
                .hasMessageContaining("org.testcontainers:testcontainers-k3s");
    }

    @Test
    void explicitLocalIgnoresDockerAndFailsWithoutBinaries() {
        dockerWithK3s();
        env.put(ApiServerSources.SOURCE_ENV, "local");

        assertThatThrownBy(() -> sources().choose())
                .isInstanceOf(ApiServerUnavailableException.class)
                .hasMessageContaining("verification/apiserver/build.sh");
    }

    @Test
    void explicitKubeconfigNeedsTheFile() {
        env.put(ApiServerSources.SOURCE_ENV, "kubeconfig");

        assertThatThrownBy(() -> sources().choose())
                .isInstanceOf(ApiServerUnavailableException.class)
                .hasMessageContaining(ApiServerSources.KUBECONFIG_ENV);
    }

    @Test
    void thePropertyOverridesTheEnvironmentAndUnknownSourcesAreErrors() {
        env.put(ApiServerSources.SOURCE_ENV, "k3s");
        properties.put(ApiServerSources.SOURCE_PROPERTY, "auto");
        assertThat(sources().requested()).isEqualTo(ApiServerSources.Kind.AUTO);

        properties.put(ApiServerSources.SOURCE_PROPERTY, "kind");
        assertThatThrownBy(() -> sources().requested())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("none of auto, local, kubeconfig, k3s");
    }

    @Test
    void aClusterOfOnesOwnCannotHonourAClassThatNeedsFeatureGates() throws IOException {
        Path kubeconfig = Files.writeString(home.resolve("kubeconfig"), "apiVersion: v1\n");
        env.put(ApiServerSources.KUBECONFIG_ENV, kubeconfig.toString());
        ServerOptions options = new ServerOptions(List.of("CoordinatedLeaderElection=true"), List.of());

        assertThatThrownBy(() -> sources().open(options))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CoordinatedLeaderElection=true");
    }

    // --- the version check -------------------------------------------------------------------------

    @Test
    void theServerVersionIsRecordedAndMustMatchTheExpectedOne() {
        ApiServerSources sources = sources();
        sources.checkVersion("v1.36.3", "local");
        assertThat(System.getProperty(ApiServerSources.VERSION_REPORT_PROPERTY)).isEqualTo("v1.36.3");

        env.put(ApiServerSources.EXPECT_VERSION_ENV, "v1.37.2");
        assertThatThrownBy(() -> sources.checkVersion("v1.36.3", "local"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("reports Kubernetes v1.36.3")
                .hasMessageContaining("expects v1.37.2");
        sources.checkVersion("v1.37.2", "local");

        properties.put(ApiServerSources.EXPECT_VERSION_PROPERTY, "1.35.4"); // the property wins
        sources.checkVersion("v1.35.4+k3s1", "K3s");
    }

    private void dockerWithK3s() {
        k3s.onClassPath = true;
        k3s.docker = true;
    }

    private static Path fakeBinaries(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String name : List.of("etcd", "kube-apiserver")) {
            Path file = Files.writeString(dir.resolve(name), "#!/bin/sh\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return dir;
    }
}
