package dev.toxserver.server;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How far the server is towards closing: a QUIT lets accepted runs finish; a stop cancels them and
 * gives up waiting after a deadline. Either way no new run is accepted. Loop thread only.
 */
final class Shutdown {
  private boolean quitting;
  private boolean stopping;
  private long deadline;

  /** QUIT: finish the accepted runs, then close. */
  void quit() {
    quitting = true;
  }

  /**
   * Stop: the caller cancels the runs; the loop waits for their trees to end (a cancelled tree gets
   * {@code killGrace} before SIGKILL) and a little more for the replies.
   *
   * @return false when a stop was already under way
   */
  boolean stop(Duration killGrace) {
    if (stopping) {
      return false;
    }
    stopping = true;
    deadline = System.nanoTime() + killGrace.toNanos() + TimeUnit.SECONDS.toNanos(3);
    return true;
  }

  /** Whether the server is closing, by QUIT or stop, and so takes no new runs. */
  boolean underway() {
    return quitting || stopping;
  }

  /** Whether a stop is under way: queued runs are not started. */
  boolean stopping() {
    return stopping;
  }

  /** The stop's deadline, as {@link System#nanoTime}; Long.MAX_VALUE when not stopping. */
  long deadline() {
    return stopping ? deadline : Long.MAX_VALUE;
  }

  /** Whether a stop has waited past its deadline. */
  boolean overdue() {
    return stopping && System.nanoTime() > deadline;
  }
}
