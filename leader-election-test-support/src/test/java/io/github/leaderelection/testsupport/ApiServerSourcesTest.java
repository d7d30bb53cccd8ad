package io.github.leaderelection.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/** Which source is picked, and skip versus fail when there is none. No server is started. */
class ApiServerSourcesTest {

    @TempDir
    Path home;

    private final Map<String, String> env = new HashMap<>();
    private final Map<String, String> properties = new HashMap<>();

    private ApiServerSources sources() {
        properties.putIfAbsent("user.home", home.toString());
        properties.putIfAbsent("user.dir", home.toString());
        return new ApiServerSources(env::get, properties::get);
    }

    @Test
    void skipsWithoutAnyServerOutsideCi() {
        assertThatThrownBy(() -> sources().open())
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("tools/apiserver/build.sh")
                .hasMessageContaining("LEADER_ELECTION_KUBECONFIG");
    }

    @Test
    void failsWithoutAnyServerOnCi() {
        env.put("CI", "true");

        assertThatThrownBy(() -> sources().open())
                .isInstanceOf(ApiServerUnavailableException.class)
                .hasMessageContaining("tools/apiserver/build.sh");
    }

    @Test
    void anEmptyBinPropertyCountsAsUnset() {
        // What failsafe passes when the Maven property is not given.
        properties.put(ApiServerBinaries.BIN_PROPERTY, "");

        assertThatThrownBy(() -> sources().open()).isInstanceOf(TestAbortedException.class);
    }

    @Test
    void aConfiguredDirectoryWithoutBinariesIsAnError() {
        env.put(ApiServerBinaries.BIN_ENV, home.resolve("nothing-here").toString());

        assertThatThrownBy(() -> sources().open())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(ApiServerBinaries.BIN_ENV);
    }

    @Test
    void aMissingKubeconfigIsAnError() {
        env.put(ApiServerSources.KUBECONFIG_ENV, home.resolve("absent").toString());

        assertThatThrownBy(() -> sources().open())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(ApiServerSources.KUBECONFIG_ENV);
    }

    @Test
    void defaultDirectoryFollowsTheCacheOfTheBuildScript() {
        env.put(ApiServerBinaries.CACHE_ENV, "/cache");

        Path dir = new ApiServerBinaries(env::get, p -> p.equals("user.dir") ? home.toString() : null).defaultDirectory();

        assertThat(dir.toString()).startsWith("/cache/apiserver/kubernetes-v").endsWith("/bin").contains("-etcd-v");
    }
}
