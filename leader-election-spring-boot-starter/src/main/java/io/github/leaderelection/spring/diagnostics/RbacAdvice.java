package io.github.leaderelection.spring.diagnostics;

import io.github.leaderelection.core.LeaseStoreException;
import java.util.Objects;

/**
 * What to tell a user whose API server refused a lease request (HTTP 403): which verb on
 * which resource in which namespace was refused for which user, and the exact Role and
 * RoleBinding that grant what leader election needs. The same text serves the startup
 * failure analysis and the error logged when a permission goes missing later.
 *
 * <p>The Role is the least privilege the elector needs: {@code get}, {@code watch} and
 * {@code update} on its one lease ({@code resourceNames}; the elector watches with
 * {@code fieldSelector=metadata.name=<lease>}, which RBAC matches against resource names), and
 * {@code create} on leases of the namespace, since a create cannot be limited by name. A user
 * named {@code system:serviceaccount:<namespace>:<name>} is bound as that ServiceAccount,
 * any other as a User.
 *
 * @param verb the refused verb: get, create, update, watch
 * @param namespace the lease's namespace
 * @param leaseName the lease's name
 * @param user the user the server saw, or null when its answer did not name one
 */
public record RbacAdvice(String verb, String namespace, String leaseName, String user) {

  private static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";
  /** Role names are DNS-1123 subdomains of at most 253 characters. */
  private static final int MAX_NAME = 253;

  public RbacAdvice {
    Objects.requireNonNull(verb, "verb");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(leaseName, "leaseName");
  }

  /**
   * The advice for a refused request on the lease {@code namespace/leaseName}; the verb and
   * namespace the exception names take precedence.
   */
  public static RbacAdvice of(LeaseStoreException.Forbidden forbidden, String namespace, String leaseName) {
    return new RbacAdvice(forbidden.verb() != null ? forbidden.verb() : "use",
        forbidden.namespace() != null ? forbidden.namespace() : namespace, leaseName, forbidden.user());
  }

  /** One sentence naming the refused verb, resource, namespace and user. */
  public String problem() {
    return "The Kubernetes API server refused to " + verb + " leases (coordination.k8s.io) in namespace \""
        + namespace + "\" for " + (user != null ? "user \"" + user + "\"" : "this application's user (the server did"
        + " not name it)") + " (lease " + namespace + "/" + leaseName + ").";
  }

  /** What to do: apply the Role and RoleBinding of {@link #yaml()}. */
  public String action() {
    return "Grant leader election its permissions on the lease with this Role and RoleBinding"
        + " (kubectl apply -f -):" + System.lineSeparator() + System.lineSeparator() + yaml();
  }

  /** {@link #problem()} and {@link #action()}: the whole diagnostic, for a log line. */
  public String message() {
    return problem() + " " + action();
  }

  /** The Role and RoleBinding, as one YAML stream. */
  public String yaml() {
    String name = roleName();
    String yaml = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata:
          name: %1$s
          namespace: %2$s
        rules:
          - apiGroups: ["coordination.k8s.io"]
            resources: ["leases"]
            resourceNames: [%3$s]
            verbs: ["get", "watch", "update"]
          - apiGroups: ["coordination.k8s.io"]
            resources: ["leases"]
            verbs: ["create"]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata:
          name: %1$s
          namespace: %2$s
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: Role
          name: %1$s
        subjects:
        %4$s""".formatted(name, namespace, quote(leaseName), subject());
    return yaml.replace("\n", System.lineSeparator());
  }

  private String subject() {
    if (user == null) {
      return """
            # The server did not name the user: put the pod's service account here.
            - kind: ServiceAccount
              name: <service-account>
              namespace: %s
          """.formatted(namespace);
    }
    if (user.startsWith(SERVICE_ACCOUNT_PREFIX)) {
      String[] parts = user.substring(SERVICE_ACCOUNT_PREFIX.length()).split(":", 2);
      if (parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty()) {
        return """
              - kind: ServiceAccount
                name: %s
                namespace: %s
            """.formatted(quote(parts[1]), quote(parts[0]));
      }
    }
    return """
          - kind: User
            apiGroup: rbac.authorization.k8s.io
            name: %s
        """.formatted(quote(user));
  }

  private String roleName() {
    String suffix = "-leader-election";
    String base = leaseName.length() + suffix.length() <= MAX_NAME
        ? leaseName : leaseName.substring(0, MAX_NAME - suffix.length()).replaceAll("[-.]+$", "");
    return base + suffix;
  }

  /** A YAML double-quoted scalar: user names may hold ':', '@' or other YAML syntax. */
  private static String quote(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
