package io.github.leaderelection.benchmarks;

/** The hand-written part of docs/benchmarks-multi.md (after the generated tables). */
final class MultiLeaseReading {

  private MultiLeaseReading() {}

  /** Appended as it is; rewritten by hand after a run. */
  static final String TEXT = """

      ## Reading the results

      See the tables above; the figures there are from the run whose command is shown.
      """;
}
