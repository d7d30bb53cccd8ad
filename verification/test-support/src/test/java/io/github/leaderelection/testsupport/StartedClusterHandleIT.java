package io.github.leaderelection.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AuthenticationV1Api;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1SelfSubjectReview;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The handle the K3s source builds from a container's kubeconfig, run against the local server
 * (Docker is not needed for that part): from an admin kubeconfig alone it makes the restricted
 * user a real ServiceAccount with a TokenRequest token, gives it the Lease Role, and changes and
 * resets its verbs, as the local handle does with its static token.
 */
@RealApiServer
class StartedClusterHandleIT {

    @Test
    void anAdminKubeconfigBecomesAHandleWithARestrictedServiceAccount(ApiServerHandle server, @TempDir Path dir)
            throws Exception {
        AtomicInteger stopped = new AtomicInteger();
        Path kubeconfig = server.writeAdminKubeconfig(dir.resolve("admin.kubeconfig"));

        KubeconfigApiServerHandle handle =
                KubeconfigApiServerHandle.startedCluster(kubeconfig, "started cluster", stopped::incrementAndGet);
        try {
            assertThat(handle.serverVersion()).isEqualTo(server.serverVersion());
            assertThat(new AuthenticationV1Api(handle.restrictedClient())
                    .createSelfSubjectReview(new V1SelfSubjectReview()).execute().getStatus().getUserInfo().getUsername())
                    .isEqualTo(StaticTokens.RESTRICTED_USER)
                    .isEqualTo(handle.restrictedUser());

            String name = server.uniqueName("started-cluster");
            CoordinationV1Api leases = new CoordinationV1Api(handle.restrictedClient());
            leases.createNamespacedLease(handle.namespace(), new V1Lease().metadata(new V1ObjectMeta().name(name))
                    .spec(new V1LeaseSpec().holderIdentity("a").leaseDurationSeconds(15))).execute();
            assertThatThrownBy(() -> new CoreV1Api(handle.restrictedClient())
                    .listNamespacedConfigMap(handle.namespace()).execute())
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(403));

            handle.grantLeaseVerbs("get");
            V1Lease lease = leases.readNamespacedLease(name, handle.namespace()).execute();
            assertThatThrownBy(() -> leases.replaceNamespacedLease(name, handle.namespace(), lease).execute())
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(403));
            handle.afterTest();
            leases.replaceNamespacedLease(name, handle.namespace(), lease).execute();

            // A process the test starts gets the same user through a kubeconfig.
            Path restricted = handle.writeRestrictedKubeconfig(dir.resolve("restricted.kubeconfig"));
            assertThat(new CoordinationV1Api(KubeconfigApiServerHandle.clientFrom(restricted))
                    .readNamespacedLease(name, handle.namespace()).execute().getSpec().getHolderIdentity()).isEqualTo("a");
            assertThatThrownBy(handle::metrics).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("started cluster");
        } finally {
            handle.close();
        }
        assertThat(stopped).hasValue(1);
    }
}
