package dev.toxserver.schedule;

import dev.toxserver.client.ToxServerClient;

/** The front end's part of a run: runs it on the server and shows it, its own way. */
@FunctionalInterface
public interface RunExecutor {
  /**
   * Runs {@code run} on {@code client} and returns how it ended; on the {@link RunLoop}'s thread,
   * which owns the client. Registers with {@link QueuedRun#onCancel} how the run is cancelled while
   * it runs.
   */
  RunOutcome execute(QueuedRun run, ToxServerClient client);
}
