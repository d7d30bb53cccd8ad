package io.github.leaderelection.spring.actuate;

import io.github.leaderelection.core.ElectionStatus;
import java.time.Duration;

/** How the actuator names an election's state; shared by the health contributor and the endpoint. */
final class ElectionStates {

  private ElectionStates() {}

  /**
   * {@code leader} while the acting leader (time-bounded), {@code no-contact} while competing
   * without having read the lease yet because requests fail (see {@link #noContact}),
   * {@code follower} while competing otherwise, {@code not-competing} before the start or in
   * never-leader mode, {@code closed} once stopped.
   */
  static String of(ElectionStatus status) {
    return switch (status.state()) {
      case NEW -> "not-competing";
      case CLOSED -> "closed";
      case RUNNING -> status.leader() ? "leader" : noContact(status) ? "no-contact" : "follower";
    };
  }

  /**
   * Whether a running elector has never seen the lease and its last request failed: typically
   * an API server that does not answer (wrong address, network, certificates, server down).
   * Such an instance cannot lead, and nothing else in its status would say so: no holder, no
   * times, just a follower. A lease that was read once shows a holder or times, and a lease
   * that does not exist yet is read as "not found", which is not an error; so this is false
   * for an instance that merely follows.
   */
  static boolean noContact(ElectionStatus status) {
    return status.state() == ElectionStatus.State.RUNNING && !status.leader() && status.lastError() != null
        && status.holder().isEmpty() && status.acquireTime() == null && status.renewTime() == null
        && status.leaseTransitions() == 0;
  }

  /** A duration as in properties: "15s", "1500ms". */
  static String format(Duration d) {
    if (d == null) {
      return null;
    }
    return d.toMillisPart() == 0 && d.toNanosPart() == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  /**
   * The first line of an error: the elector's last error may carry RBAC advice with YAML,
   * which belongs in the log, not in a health detail.
   */
  static String firstLine(String message) {
    if (message == null) {
      return null;
    }
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end).stripTrailing();
  }
}
