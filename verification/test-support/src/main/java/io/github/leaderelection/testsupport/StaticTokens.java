package io.github.leaderelection.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * The two identities of a local API server, as a {@code --token-auth-file}: an admin in
 * {@code system:masters}, and a restricted user named like the service account
 * {@code default/elector} so RBAC bindings to that service account match it, although no
 * ServiceAccount object or token controller exists.
 */
final class StaticTokens {

    /** Namespace of the restricted user's service-account name. */
    static final String RESTRICTED_NAMESPACE = "default";
    /** Name of the restricted user's service account. */
    static final String RESTRICTED_NAME = "elector";
    /** The user name the API server sees for the restricted token. */
    static final String RESTRICTED_USER = "system:serviceaccount:" + RESTRICTED_NAMESPACE + ":" + RESTRICTED_NAME;
    /** The groups a real service-account token of that name would carry. */
    static final List<String> RESTRICTED_GROUPS =
            List.of("system:serviceaccounts", "system:serviceaccounts:" + RESTRICTED_NAMESPACE);

    private final String adminToken;
    private final String restrictedToken;
    private final Path file;

    private StaticTokens(String adminToken, String restrictedToken, Path file) {
        this.adminToken = adminToken;
        this.restrictedToken = restrictedToken;
        this.file = file;
    }

    /** Fresh random tokens, written as CSV ({@code token,user,uid,"groups"}) to {@code file}. */
    static StaticTokens generate(Path file) {
        StaticTokens tokens = new StaticTokens(randomToken(), randomToken(), file);
        String csv = tokens.adminToken + ",test-admin,test-admin-uid,\"system:masters\"\n"
                + tokens.restrictedToken + "," + RESTRICTED_USER + ",test-elector-uid,\""
                + String.join(",", RESTRICTED_GROUPS) + "\"\n";
        try {
            Files.writeString(file, csv);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
        return tokens;
    }

    String adminToken() {
        return adminToken;
    }

    String restrictedToken() {
        return restrictedToken;
    }

    Path file() {
        return file;
    }

    private static String randomToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
