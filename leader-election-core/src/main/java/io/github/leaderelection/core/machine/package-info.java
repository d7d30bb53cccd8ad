/**
 * The election algorithm as a pure state machine, in the style of etcd's raft package: events
 * in ({@link io.github.leaderelection.core.machine.Event}), actions out
 * ({@link io.github.leaderelection.core.machine.Action}); no I/O, no threads, no clock of its
 * own: every event comes with the time it happened at. The
 * {@link io.github.leaderelection.core.LeaderElector} performs the actions and feeds the
 * outcomes back.
 *
 * <p>Internal: not an API; it may change in any release. It is public only so that the elector
 * in the parent package can drive it.
 */
package io.github.leaderelection.core.machine;
