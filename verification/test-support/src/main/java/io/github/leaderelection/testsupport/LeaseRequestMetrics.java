package io.github.leaderelection.testsupport;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads {@code apiserver_request_total} for Lease objects out of the Prometheus text the
 * API server serves on {@code /metrics}.
 */
final class LeaseRequestMetrics {

    private static final String METRIC = "apiserver_request_total{";

    private LeaseRequestMetrics() {
    }

    /**
     * Sums the samples with {@code resource="leases"} per {@code verb} (over response codes,
     * scopes and the rest). Verbs are spelled as the server reports them: {@code GET},
     * {@code LIST}, {@code WATCH}, {@code POST}, {@code PUT}, {@code PATCH}, {@code DELETE}...
     */
    static Map<String, Long> countsByVerb(String prometheusText) {
        Map<String, Long> counts = new TreeMap<>();
        for (String line : prometheusText.split("\n")) {
            if (!line.startsWith(METRIC)) {
                continue;
            }
            int labelsEnd = closingBrace(line);
            Map<String, String> labels = labels(line.substring(METRIC.length(), labelsEnd));
            if (!"leases".equals(labels.get("resource")) || !labels.containsKey("verb")) {
                continue;
            }
            String value = line.substring(labelsEnd + 1).trim().split("\\s+")[0];
            counts.merge(labels.get("verb"), Math.round(Double.parseDouble(value)), Long::sum);
        }
        return counts;
    }

    /** Index of the '}' closing the label set, skipping braces inside quoted values. */
    private static int closingBrace(String line) {
        boolean quoted = false;
        for (int i = METRIC.length(); i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '}' && !quoted) {
                return i;
            }
        }
        throw new IllegalArgumentException("unterminated label set: " + line);
    }

    /** Parses {@code a="x",b="y\"z"} (the exposition format's escapes: \\, \", \n). */
    private static Map<String, String> labels(String text) {
        Map<String, String> labels = new HashMap<>();
        int i = 0;
        while (i < text.length()) {
            int eq = text.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String name = text.substring(i, eq).trim();
            StringBuilder value = new StringBuilder();
            int j = eq + 2; // skip ="
            for (; j < text.length() && text.charAt(j) != '"'; j++) {
                char c = text.charAt(j);
                if (c == '\\' && j + 1 < text.length()) {
                    char next = text.charAt(++j);
                    value.append(next == 'n' ? '\n' : next);
                } else {
                    value.append(c);
                }
            }
            labels.put(name, value.toString());
            i = j + 1;
            if (i < text.length() && text.charAt(i) == ',') {
                i++;
            }
        }
        return labels;
    }
}
