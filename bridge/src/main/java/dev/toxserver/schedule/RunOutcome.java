package dev.toxserver.schedule;

/**
 * How a run ended.
 *
 * @param returncode the command's exit status (-N for signal N); null when it never ran
 * @param cancelled whether it was cancelled before it ended
 * @param durationMs how long it took, from taking it off the queue to its end
 * @param fault what went wrong, or {@link Fault#NONE}
 * @param error what went wrong, in words for the user; null when nothing did, or when the run was
 *     cancelled anyway
 */
public record RunOutcome(
    Integer returncode, boolean cancelled, long durationMs, Fault fault, String error) {
  /** What kept a run from running to its end. */
  public enum Fault {
    NONE,
    /** The server did not answer, or stopped answering. */
    UNREACHABLE,
    /** The connection could not be authenticated. */
    AUTH_FAILED,
    /** The server answered with an error (refused the run, or it was cancelled while queued). */
    REFUSED,
    /** A bug in the bridge. */
    BRIDGE
  }

  /** The command ran and exited with {@code returncode}. */
  public static RunOutcome ran(int returncode, boolean cancelled, long durationMs) {
    return new RunOutcome(returncode, cancelled, durationMs, Fault.NONE, null);
  }

  /** The command did not run to its end. */
  public static RunOutcome failed(Fault fault, String error, boolean cancelled, long durationMs) {
    return new RunOutcome(null, cancelled, durationMs, fault, error);
  }

  /** Cancelled while it waited: it never reached the server. */
  static RunOutcome cancelledWhileWaiting() {
    return new RunOutcome(null, true, 0, Fault.NONE, null);
  }

  /**
   * Whether the run lost its server: nothing of that connection may reach the next run, so the next
   * run gets a new one.
   */
  public boolean serverLost() {
    return fault == Fault.UNREACHABLE || fault == Fault.AUTH_FAILED;
  }
}
