package io.github.leaderelection.core;

import java.time.Instant;

/**
 * One uninterrupted period of leadership of one candidate.
 *
 * @param leaseName the Lease's name
 * @param namespace the Lease's namespace
 * @param identity this candidate's identity
 * @param fencingToken the resourceVersion of the acquiring write (rule 6): it only grows for one
 *     Lease name, across holders and across a deletion and recreation of the Lease, so a
 *     downstream system can reject writes that carry a lower token than one it has seen
 * @param acquiredAt when the acquiring write was sent, by this process's wall clock
 */
public record LeadershipTerm(
    String leaseName, String namespace, String identity, long fencingToken, Instant acquiredAt) {}
