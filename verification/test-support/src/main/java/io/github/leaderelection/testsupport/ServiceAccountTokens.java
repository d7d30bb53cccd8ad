package io.github.leaderelection.testsupport;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.AuthenticationV1TokenRequest;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1TokenRequestSpec;

/**
 * The restricted user on a cluster that is not started by the harness (K3s): a real
 * ServiceAccount {@code default/elector} and a token for it from the TokenRequest API. Its user
 * name and groups are those the local server's static token carries, so the same RBAC matches.
 */
final class ServiceAccountTokens {

    /** Long enough for any test run; the server may shorten it to its maximum. */
    private static final long EXPIRATION_SECONDS = 24 * 3600;

    private ServiceAccountTokens() {
    }

    /** Creates the ServiceAccount if absent and returns a new token for it. */
    static String issue(ApiClient admin, String namespace, String name) {
        CoreV1Api core = new CoreV1Api(admin);
        try {
            core.createNamespacedServiceAccount(namespace,
                    new V1ServiceAccount().metadata(new V1ObjectMeta().name(name).namespace(namespace))).execute();
        } catch (ApiException e) {
            if (e.getCode() != 409) {
                throw failure("create the ServiceAccount " + namespace + "/" + name, e);
            }
        }
        try {
            // No audiences: the server then uses its own, which is what its authenticator accepts.
            AuthenticationV1TokenRequest request = new AuthenticationV1TokenRequest()
                    .spec(new V1TokenRequestSpec().expirationSeconds(EXPIRATION_SECONDS));
            AuthenticationV1TokenRequest issued =
                    core.createNamespacedServiceAccountToken(name, namespace, request).execute();
            if (issued.getStatus() == null || issued.getStatus().getToken() == null) {
                throw new IllegalStateException("the TokenRequest for " + namespace + "/" + name + " returned no token");
            }
            return issued.getStatus().getToken();
        } catch (ApiException e) {
            throw failure("get a token for " + namespace + "/" + name, e);
        }
    }

    private static IllegalStateException failure(String what, ApiException e) {
        return new IllegalStateException("could not " + what + ": HTTP " + e.getCode() + " " + e.getResponseBody(), e);
    }
}
