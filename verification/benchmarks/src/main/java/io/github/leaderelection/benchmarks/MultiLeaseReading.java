package io.github.leaderelection.benchmarks;

/** The hand-written part of docs/benchmarks-multi.md (after the generated tables). */
final class MultiLeaseReading {

  private MultiLeaseReading() {}

  /** Appended as it is; rewritten by hand after a run. */
  static final String TEXT = """

      ## Reading the results (run of 2026-12-02)

      - **Requests grow with L for everyone, but at about 30 a minute per lease for ours and about
        135 for the others.** Ours sends only the leaders' renewals (one PUT per lease per retry
        period, 2 s: 30 a minute); its followers send nothing, because the shared watch tells them
        every change and every other Lease's event tells them the watch is alive. client-java and
        fabric8 send the same renewals (PUT, or PATCH for fabric8) plus a GET per follower about
        every 2.4 s (4 followers x about 25 a minute per lease). At L = 50 that is 1,499 against
        6,839 (client-java) and 6,753 (fabric8) requests a minute from 5 pods: 4.5 times as many.
      - **Balancing costs a constant 60 PUT a minute for the group**, not per lease: each of the 5
        member Leases is renewed every third of a lease duration (5 s). At L = 1 that triples ours
        (30 to 89), at L = 50 it is 3 % (1,499 to 1,547). It is what turns "one pod leads all 50"
        (0..50, the first pod to start takes every free lease) into 10 on each pod.
      - **One open watch per pod for ours, whatever L**; with `--shared-watch false` (not in this
        run) it would be one per elector. client-java and fabric8 open none: they poll, which is
        where their GETs come from. No watch ended in any window (WATCH column 0), no LIST was
        sent (the shared watch listed once, before the window).
      - **CPU is the exception and noisy.** Per pod, ours used less CPU than client-java and fabric8
        at L = 1 and 10 but more at L = 50 (3.5 s a minute, 4.2 s with balancing, against 2.1 s and
        2.5 s). Likely cause, not measured further: every pod decodes every Lease event of the
        namespace (at L = 50, 25 events a second per pod), and without balancing one pod runs all
        50 leaders' renewals. The machine was heavily shared while the L = 50 points ran (load
        average 27-37 on 2 CPUs at the end), so take the CPU column as a hint, not a figure.
      - Leadership did not move in any window ("moves" 0), so the rates are steady state.

      Not measured: trials (one window per point, no spread), ours without the shared watch
      (`--shared-watch false`, `--variants ours-own-watch`), and L above 50.
      """;
}
