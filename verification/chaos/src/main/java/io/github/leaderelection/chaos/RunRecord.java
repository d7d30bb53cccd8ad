package io.github.leaderelection.chaos;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything a chaos run recorded, for the invariant checker and the report.
 *
 * @param config the run's configuration
 * @param lease the Lease's name
 * @param startedAt monotonic start of the run
 * @param firstLeaderAt when the first leader was seen
 * @param faultsStartedAt when the first fault was injected
 * @param endedAt when the candidates were asked to stop
 * @param wallMillis wall time of the whole run
 * @param wallStartMillis when the run started, epoch milliseconds
 * @param candidates every candidate process, in start order
 * @param faults the fault log
 * @param runDirectory transcripts and logs
 * @param aborted why the run stopped before all faults were injected (the elector was stuck), or null
 */
public record RunRecord(
    ChaosConfig config,
    String lease,
    long startedAt,
    long firstLeaderAt,
    long faultsStartedAt,
    long endedAt,
    long wallMillis,
    long wallStartMillis,
    List<CandidateLog> candidates,
    List<Fault> faults,
    Path runDirectory,
    String aborted) {}
