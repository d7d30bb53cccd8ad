package io.github.leaderelection.testsupport;

import io.kubernetes.client.openapi.ApiClient;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The restricted user's verbs on Leases per namespace ({@link LeaseRbac}), and which namespaces
 * a test changed, so they are reset to the defaults after it. Shared by every handle that has a
 * restricted user.
 */
final class RestrictedLeaseAccess {

    private final LeaseRbac rbac;
    private final Set<String> changedVerbs = ConcurrentHashMap.newKeySet();

    /**
     * @param admin a client allowed to write RBAC objects
     * @param user the restricted user's name
     * @param groups the groups its credentials carry (for the access reviews that wait for changes)
     */
    RestrictedLeaseAccess(ApiClient admin, String user, List<String> groups) {
        this.rbac = new LeaseRbac(admin, user, groups);
    }

    /** The Role with the default verbs and its binding, in {@code namespace}. */
    void setUp(String namespace) {
        rbac.setUp(namespace);
    }

    /** Replaces the verbs in {@code namespace} until {@link #restore()}. */
    void grant(String namespace, String... verbs) {
        changedVerbs.add(namespace);
        rbac.grant(namespace, Arrays.asList(verbs));
    }

    /** The default verbs again wherever a test changed them. */
    void restore() {
        for (String namespace : changedVerbs) {
            rbac.grant(namespace, LeaseRbac.DEFAULT_VERBS);
        }
        changedVerbs.clear();
    }
}
