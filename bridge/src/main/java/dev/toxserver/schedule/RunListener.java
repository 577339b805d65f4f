package dev.toxserver.schedule;

/**
 * Told what the {@link RunScheduler} decided, in the order it happened. Calls are made under the
 * scheduler's lock, so that no report overtakes another (a run's {@code queued} always comes before
 * anything its executor says): they must not wait long, and may call the scheduler back.
 */
public interface RunListener {
  /** Does nothing: for a front end that shows runs only as they execute. */
  RunListener NONE =
      new RunListener() {
        @Override
        public void queued(QueuedRun run) {}

        @Override
        public void finished(QueuedRun run, RunOutcome outcome) {}
      };

  /** A new run waits. (A request merged into a run that waits already is not a new run.) */
  void queued(QueuedRun run);

  /** A run ended: it ran, failed, or was cancelled before it started. */
  void finished(QueuedRun run, RunOutcome outcome);
}
