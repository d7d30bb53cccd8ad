package io.github.leaderelection.testsupport;

import java.util.List;

/**
 * What a test class asks of its server beyond the defaults ({@link RealApiServer#featureGates()},
 * {@link RealApiServer#runtimeConfig()}). Classes asking the same share a server; the default
 * (nothing extra) is the one shared server of the run.
 *
 * @param featureGates {@code Name=true|false} entries added to kube-apiserver's own gates
 * @param runtimeConfig {@code group/version=true|false} entries for {@code --runtime-config}
 */
record ServerOptions(List<String> featureGates, List<String> runtimeConfig) {

    static final ServerOptions DEFAULT = new ServerOptions(List.of(), List.of());

    ServerOptions {
        featureGates = List.copyOf(featureGates);
        runtimeConfig = List.copyOf(runtimeConfig);
        for (String gate : featureGates) {
            if (!gate.matches("[A-Za-z0-9]+=(true|false)")) {
                throw new IllegalArgumentException("feature gate '" + gate + "' is not Name=true|false");
            }
        }
        for (String entry : runtimeConfig) {
            if (!entry.matches("[a-z0-9.-]+(/[a-z0-9]+)?=(true|false)")) {
                throw new IllegalArgumentException("runtime config '" + entry + "' is not group/version=true|false");
            }
        }
    }

    static ServerOptions of(RealApiServer annotation) {
        return annotation == null ? DEFAULT
                : new ServerOptions(List.of(annotation.featureGates()), List.of(annotation.runtimeConfig()));
    }

    boolean isDefault() {
        return featureGates.isEmpty() && runtimeConfig.isEmpty();
    }

    /** Store key and log text: {@code default}, or the entries. */
    String describe() {
        return isDefault() ? "default" : "feature gates " + featureGates + ", runtime config " + runtimeConfig;
    }
}
