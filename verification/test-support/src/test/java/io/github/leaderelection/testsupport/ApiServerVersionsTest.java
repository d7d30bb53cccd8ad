package io.github.leaderelection.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The versions file, and which cache entry the harness looks for. */
class ApiServerVersionsTest {

    private static final List<String> FILE = List.of(
            "# role kubernetes etcd go",
            "default    v1.36.3  v3.6.16  local   # trailing comment",
            "",
            "oldest     v1.34.4  v3.6.16  local",
            "newest     v1.37.2  v3.7.3   go1.27.3");

    private final ApiServerVersions versions = ApiServerVersions.parse(FILE, Path.of("versions"));

    @Test
    void selectsByRoleOrByVersionWithOrWithoutTheV() {
        assertThat(versions.select(null).kubernetes()).isEqualTo("v1.36.3");
        assertThat(versions.select(" ").role()).isEqualTo("default");
        assertThat(versions.select("newest").etcd()).isEqualTo("v3.7.3");
        assertThat(versions.select("1.34.4").role()).isEqualTo("oldest");
        assertThat(versions.select("v1.37.2").cacheEntry()).isEqualTo("kubernetes-v1.37.2-etcd-v3.7.3");
    }

    @Test
    void anUnlistedVersionIsAnErrorNamingTheListedOnes() {
        assertThatThrownBy(() -> versions.select("1.30.0"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("1.30.0")
                .hasMessageContaining("oldest=v1.34.4");
    }

    @Test
    void aServerVersionMatchesExactlyOrWithADistributionSuffix() {
        assertThat(ApiServerVersions.sameVersion("v1.37.2", "v1.37.2")).isTrue();
        assertThat(ApiServerVersions.sameVersion("1.37.2", "v1.37.2")).isTrue();
        assertThat(ApiServerVersions.sameVersion("v1.35.4", "v1.35.4+k3s1")).isTrue();
        assertThat(ApiServerVersions.sameVersion("v1.37.2", "v1.37.20")).isFalse();
        assertThat(ApiServerVersions.sameVersion("v1.37", "v1.37.2")).isFalse();
        assertThat(ApiServerVersions.sameVersion("v1.37.2", null)).isFalse();
    }

    @Test
    void theRepositoryFileHasTheThreeRolesAndItsDefaultMatchesTheBuiltInFallback() throws Exception {
        Path file = Path.of("..", "apiserver", "versions");
        ApiServerVersions real = ApiServerVersions.read(file);

        assertThat(real.select("oldest")).isNotNull();
        assertThat(real.select("newest")).isNotNull();
        assertThat(real.select("default")).isEqualTo(ApiServerVersions.read(null).select("default"));
    }

    @Test
    void theHarnessLooksForTheCacheEntryOfTheChosenVersion(@TempDir Path repo) throws Exception {
        Files.createDirectories(repo.resolve("verification/apiserver"));
        Files.write(repo.resolve("verification/apiserver/versions"), FILE);
        Map<String, String> env = new java.util.HashMap<>(Map.of(ApiServerBinaries.CACHE_ENV, "/cache"));
        Map<String, String> props = new java.util.HashMap<>(Map.of("user.dir", repo.resolve("verification/test-support").toString()));

        assertThat(new ApiServerBinaries(env::get, props::get).defaultDirectory())
                .isEqualTo(Path.of("/cache/apiserver/kubernetes-v1.36.3-etcd-v3.6.16/bin"));

        env.put(ApiServerBinaries.VERSION_ENV, "newest");
        assertThat(new ApiServerBinaries(env::get, props::get).defaultDirectory())
                .isEqualTo(Path.of("/cache/apiserver/kubernetes-v1.37.2-etcd-v3.7.3/bin"));

        props.put(ApiServerBinaries.VERSION_PROPERTY, "1.34.4"); // the property wins over the variable
        assertThat(new ApiServerBinaries(env::get, props::get).defaultDirectory())
                .isEqualTo(Path.of("/cache/apiserver/kubernetes-v1.34.4-etcd-v3.6.16/bin"));
    }
}
