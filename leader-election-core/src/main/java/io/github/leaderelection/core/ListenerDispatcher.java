package io.github.leaderelection.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls {@link LeadershipListener}s off the election thread, one notification at a time and in
 * order (rules 13-15). Knows which listener runs now, so a shutdown that gives up waiting can
 * say what still runs (rule 23).
 */
final class ListenerDispatcher {

  private static final Logger log = LoggerFactory.getLogger(LeaderElector.class);

  private final SerialExecutor executor;
  private final String lease;
  private final List<LeadershipListener> listeners = new CopyOnWriteArrayList<>();
  private volatile LeadershipListener running;

  ListenerDispatcher(Executor delegate, String lease) {
    this.executor = new SerialExecutor(delegate);
    this.lease = lease;
  }

  void add(LeadershipListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  void remove(LeadershipListener listener) {
    listeners.remove(listener);
  }

  /**
   * Calls {@code call} on every listener registered now, then runs {@code done} (also when the
   * executor refuses the work: a notification that cannot be delivered must not stall the
   * election).
   */
  void notify(Consumer<LeadershipListener> call, Runnable done) {
    List<LeadershipListener> snapshot = new ArrayList<>(listeners);
    try {
      executor.execute(() -> {
        try {
          for (LeadershipListener l : snapshot) {
            running = l;
            try {
              call.accept(l);
            } catch (RuntimeException | Error e) {
              log.error("Leadership listener {} failed for lease {}", l, lease, e);
            }
          }
        } finally {
          running = null;
          done.run();
        }
      });
    } catch (RuntimeException | Error e) {
      log.error("Could not deliver a leadership notification for lease {}: {}", lease, e.toString());
      done.run();
    }
  }

  /** The listener running now, or null. */
  LeadershipListener running() {
    return running;
  }
}
