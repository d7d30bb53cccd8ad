package io.github.leaderelection.benchmarks;

import java.util.Arrays;
import java.util.List;

/**
 * One stdout line of a candidate run with {@code --leases} (verification/candidates/PROTOCOL.md,
 * "Several leases"): {@code @<lease> KIND fields...} for a line of one election, {@code KIND
 * fields...} for a line of the process (READY, CLOSED, UNSUPPORTED of an unknown lease).
 *
 * @param lease the lease the line belongs to; null for a line of the process
 * @param kind the line type ({@code ELECTED}, ...)
 * @param fields the words after the type
 */
record MultiLeaseLine(String lease, String kind, List<String> fields) {

  /** The parsed line, or null when it is none of the protocol's. */
  static MultiLeaseLine parse(String line) {
    String[] words = line.trim().split(" ");
    String lease = null;
    int at = 0;
    if (words[0].startsWith("@")) {
      if (words[0].length() < 2 || words.length < 2) {
        return null;
      }
      lease = words[0].substring(1);
      at = 1;
    }
    if (!words[at].matches("[A-Z_]+")) {
      return null;
    }
    return new MultiLeaseLine(lease, words[at], List.of(Arrays.copyOfRange(words, at + 1, words.length)));
  }
}
