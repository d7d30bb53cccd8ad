package io.github.leaderelection.benchmarks;

import java.util.Arrays;
import java.util.Collection;

/**
 * Median, p95 and max of a sample. Percentiles are nearest-rank: p95 is the value at rank
 * ceil(0.95 n) of the sorted sample (with 20 samples, the 19th smallest), so it is always a
 * value that was observed.
 */
record Stats(int n, double median, double p95, double max, double min, double mean) {

  static Stats of(Collection<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (v.length == 0) {
      return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    return new Stats(v.length, median(v), rank(v, 0.95), v[v.length - 1], v[0], Arrays.stream(v).average().orElse(Double.NaN));
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static double rank(double[] sorted, double q) {
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  boolean empty() {
    return n == 0;
  }
}
