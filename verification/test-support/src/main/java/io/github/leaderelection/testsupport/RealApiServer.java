package io.github.leaderelection.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class against a real Kubernetes API server, shared by all such classes of the
 * test run, and injects an {@link ApiServerHandle} into test and lifecycle method parameters,
 * constructor parameters, and fields of that type.
 *
 * <pre>{@code
 * @RealApiServer
 * class LeaseIT {
 *     @Test
 *     void createsLease(ApiServerHandle server) throws Exception {
 *         CoordinationV1Api api = new CoordinationV1Api(server.restrictedClient());
 *         String name = server.uniqueName("lease");
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>Where the server comes from, and what happens without one (skip, or fail on CI), is
 * described in {@link RealApiServerExtension}. Tagged {@code real-apiserver} for filtering.
 *
 * <p>A class that needs a server configured otherwise, such as with a beta feature gate, names
 * the gates and API versions here and gets a server of its own (shared with classes that ask
 * the same), so the shared server's request counts and behaviour stay as every other test
 * expects them:
 *
 * <pre>{@code
 * @RealApiServer(featureGates = "CoordinatedLeaderElection=true",
 *                runtimeConfig = "coordination.k8s.io/v1beta1=true")
 * class CoordinatedLeaseFieldsIT { ... }
 * }</pre>
 *
 * Only the local binaries and K3s can be started so; a cluster from
 * {@code LEADER_ELECTION_KUBECONFIG} fails such a class.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RealApiServerExtension.class)
@Tag("real-apiserver")
public @interface RealApiServer {

    /**
     * kube-apiserver feature gates beyond the harness's own, as {@code Name=true}; empty for
     * the shared server.
     */
    String[] featureGates() default {};

    /** {@code --runtime-config} entries, as {@code group/version=true}; empty for the shared server. */
    String[] runtimeConfig() default {};
}
