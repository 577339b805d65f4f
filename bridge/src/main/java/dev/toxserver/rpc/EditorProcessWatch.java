package dev.toxserver.rpc;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Ends the session when the editor's process exits ({@code processId} of initialize): an editor
 * that crashed cannot close our stdin or say exit.
 */
final class EditorProcessWatch implements AutoCloseable {
  private final CompletableFuture<Void> watching;

  private EditorProcessWatch(CompletableFuture<Void> watching) {
    this.watching = watching;
  }

  /**
   * Starts watching process {@code pid}; when it exits, {@code gone} gets the reason. Returns null
   * (after a warning in {@code log}) when no such process runs.
   */
  static EditorProcessWatch start(long pid, Consumer<String> gone, EditorLog log) {
    var handle = ProcessHandle.of(pid);
    if (handle.isEmpty()) {
      log.log("warning", "The editor's process " + pid + " is not running; not watching it.");
      return null;
    }
    // The JDK's process reaper waits for it; cancelling stops us from being told.
    return new EditorProcessWatch(
        handle
            .get()
            .onExit()
            .thenAccept(h -> gone.accept("The editor's process " + pid + " exited")));
  }

  @Override
  public void close() {
    watching.cancel(false);
  }
}
