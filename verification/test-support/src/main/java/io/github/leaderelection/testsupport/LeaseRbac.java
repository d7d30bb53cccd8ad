package io.github.leaderelection.testsupport;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AuthorizationV1Api;
import io.kubernetes.client.openapi.apis.RbacAuthorizationV1Api;
import io.kubernetes.client.openapi.models.RbacV1Subject;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.kubernetes.client.openapi.models.V1ResourceAttributes;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1RoleRef;
import io.kubernetes.client.openapi.models.V1SubjectAccessReview;
import io.kubernetes.client.openapi.models.V1SubjectAccessReviewSpec;
import io.kubernetes.client.openapi.models.V1SubjectAccessReviewStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The restricted user's permissions on Leases: a Role {@value #ROLE} and a RoleBinding of it
 * to the user, per namespace.
 *
 * <p>RBAC changes reach the authorizer through an informer, so they take effect a moment
 * after the write. Every change here waits until a SubjectAccessReview (answered by the same
 * authorizer) reports exactly the wanted verbs, so the next request of the test already sees
 * them.
 */
final class LeaseRbac {

    /** Name of the Role and the RoleBinding. */
    static final String ROLE = "lease-elector";
    /**
     * What an elector needs. A watch with {@code fieldSelector=metadata.name=...} needs only
     * {@code watch} (the apiserver turns that selector into the request's name); {@code list} is
     * for callers that list first.
     */
    static final List<String> DEFAULT_VERBS = List.of("get", "list", "watch", "create", "update");
    /** The verbs checked when waiting for a change to take effect. */
    private static final List<String> LEASE_VERBS =
            List.of("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection");

    private static final String RBAC_GROUP = "rbac.authorization.k8s.io";
    private static final String LEASE_GROUP = "coordination.k8s.io";
    private static final Duration PROPAGATION_TIMEOUT = Duration.ofSeconds(10);

    private final RbacAuthorizationV1Api rbac;
    private final AuthorizationV1Api authorization;
    private final String user;
    private final List<String> groups;

    LeaseRbac(ApiClient admin, String user, List<String> groups) {
        this.rbac = new RbacAuthorizationV1Api(admin);
        this.authorization = new AuthorizationV1Api(admin);
        this.user = user;
        this.groups = List.copyOf(groups);
    }

    /** Creates (or resets) the Role with {@link #DEFAULT_VERBS} and binds it to the user. */
    void setUp(String namespace) {
        try {
            writeRole(namespace, DEFAULT_VERBS);
            V1RoleBinding binding = new V1RoleBinding()
                    .metadata(new V1ObjectMeta().name(ROLE).namespace(namespace))
                    .roleRef(new V1RoleRef().apiGroup(RBAC_GROUP).kind("Role").name(ROLE))
                    .subjects(List.of(new RbacV1Subject().kind("User").apiGroup(RBAC_GROUP).name(user)));
            try {
                rbac.createNamespacedRoleBinding(namespace, binding).execute();
            } catch (ApiException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        } catch (ApiException e) {
            throw failure("set up RBAC in " + namespace, e);
        }
        awaitEffective(namespace, DEFAULT_VERBS);
    }

    /** Replaces the Role's verbs (the binding stays) and waits until they are in effect. */
    void grant(String namespace, Collection<String> verbs) {
        try {
            writeRole(namespace, verbs);
        } catch (ApiException e) {
            throw failure("change the lease verbs in " + namespace, e);
        }
        awaitEffective(namespace, verbs);
    }

    private void writeRole(String namespace, Collection<String> verbs) throws ApiException {
        V1PolicyRule rule = new V1PolicyRule()
                .apiGroups(List.of(LEASE_GROUP))
                .resources(List.of("leases"))
                .verbs(new ArrayList<>(verbs));
        try {
            rbac.createNamespacedRole(namespace, new V1Role()
                    .metadata(new V1ObjectMeta().name(ROLE).namespace(namespace))
                    .rules(List.of(rule))).execute();
        } catch (ApiException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            // Exists: replace its rules, keeping its resourceVersion for the optimistic update.
            V1Role existing = rbac.readNamespacedRole(ROLE, namespace).execute();
            existing.setRules(List.of(rule));
            rbac.replaceNamespacedRole(ROLE, namespace, existing).execute();
        }
    }

    private void awaitEffective(String namespace, Collection<String> wanted) {
        Set<String> expected = new TreeSet<>(wanted);
        expected.retainAll(LEASE_VERBS);
        long deadline = System.nanoTime() + PROPAGATION_TIMEOUT.toNanos();
        Set<String> allowed;
        while (!(allowed = allowedVerbs(namespace)).equals(expected)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("RBAC for " + user + " in " + namespace + " still allows "
                        + allowed + " after " + PROPAGATION_TIMEOUT.toSeconds() + " s, wanted " + expected);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for RBAC", e);
            }
        }
    }

    private Set<String> allowedVerbs(String namespace) {
        Set<String> allowed = new TreeSet<>();
        for (String verb : LEASE_VERBS) {
            V1SubjectAccessReview review = new V1SubjectAccessReview().spec(new V1SubjectAccessReviewSpec()
                    .user(user)
                    .groups(groups)
                    .resourceAttributes(new V1ResourceAttributes()
                            .namespace(namespace).group(LEASE_GROUP).resource("leases").verb(verb)));
            try {
                V1SubjectAccessReviewStatus status = authorization.createSubjectAccessReview(review).execute().getStatus();
                if (status != null && Boolean.TRUE.equals(status.getAllowed())) {
                    allowed.add(verb);
                }
            } catch (ApiException e) {
                throw failure("review access of " + user, e);
            }
        }
        return allowed;
    }

    private static IllegalStateException failure(String what, ApiException e) {
        return new IllegalStateException("could not " + what + ": HTTP " + e.getCode() + " " + e.getResponseBody(), e);
    }
}
