package dev.toxserver.watch;

import io.methvin.watcher.DirectoryChangeEvent;
import io.methvin.watcher.DirectoryChangeListener;
import io.methvin.watcher.DirectoryWatcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * The operating system's change events, through directory-watcher, as {@link BatchLoop.Signal}s.
 * Its walk is the {@link TreeWalker}, so ignored directories are never registered. Its thread
 * ({@code project-watcher-events}) only turns events into signals: which files really changed is
 * decided on the batch thread.
 */
final class DirectoryEvents implements DirectoryChangeListener {
  private final Path root;
  private final PathFilter filter;
  private final Consumer<BatchLoop.Signal> sink;
  private final DirectoryWatcher watcher;
  private volatile Thread thread;

  private DirectoryEvents(TreeWalker walker, Consumer<BatchLoop.Signal> sink) throws IOException {
    this.root = walker.root();
    this.filter = walker.filter();
    this.sink = sink;
    try {
      this.watcher =
          DirectoryWatcher.builder()
              .path(root)
              .fileTreeVisitor(walker)
              // Off: ContentIndex compares content once a burst is over, which is both cheaper
              // (no hash of every file at start-up) and right where per-event hashing is not.
              .fileHashing(false)
              .listener(this)
              .build();
    } catch (IOException e) {
      throw translate(e);
    }
  }

  /**
   * Registers the tree and starts the event thread. Returns once every watched directory is
   * registered, so that any later change produces an event.
   */
  static DirectoryEvents start(TreeWalker walker, Consumer<BatchLoop.Signal> sink)
      throws IOException {
    DirectoryEvents events = new DirectoryEvents(walker, sink);
    CompletableFuture<Void> loop = events.watcher.watchAsync(events::startThread);
    if (loop.isCompletedExceptionally()) { // registration failed; no thread was started
      events.closeWatcher();
      try {
        loop.join();
      } catch (CompletionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof UncheckedIOException unchecked) {
          throw events.translate(unchecked.getCause());
        }
        throw events.translate(new IOException(String.valueOf(cause), cause));
      }
    }
    loop.whenComplete(
        (ignored, error) -> sink.accept(new BatchLoop.Signal.Ended(events.root, error)));
    return events;
  }

  private void startThread(Runnable eventLoop) {
    Thread t = new Thread(eventLoop, "project-watcher-events");
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  @Override
  public void onEvent(DirectoryChangeEvent event) {
    Instant at = Instant.now();
    long nanos = System.nanoTime();
    if (event.eventType() == DirectoryChangeEvent.EventType.OVERFLOW) {
      sink.accept(new BatchLoop.Signal.Overflowed(at, nanos));
      return;
    }
    Path path = event.path();
    if (path == null || !path.startsWith(root)) {
      return;
    }
    String relative = PathFilter.key(root.relativize(path));
    if (event.isDirectory()) {
      // A directory's own modification (its times or permissions) changes no file.
      if (event.eventType() == DirectoryChangeEvent.EventType.MODIFY
          || !filter.watchesDirectory(relative)) {
        return;
      }
    } else if (!filter.triggers(relative)) {
      return;
    }
    sink.accept(new BatchLoop.Signal.Changed(relative, at, nanos));
  }

  @Override
  public void onException(Exception error) {
    WatchLimitException limit = WatchLimitException.recognise(root, error);
    sink.accept(new BatchLoop.Signal.Failed(limit != null ? limit : error));
  }

  /** Tells the event thread to end (closes the watch service); {@link #thread()} to wait. */
  void requestClose() {
    closeWatcher();
  }

  /** The event thread, or null if it never started. */
  Thread thread() {
    return thread;
  }

  private void closeWatcher() {
    try {
      watcher.close();
    } catch (IOException e) {
      // Closing the WatchService only releases it; there is nothing left to do on failure.
      throw new UncheckedIOException("Cannot close the watch service for " + root, e);
    }
  }

  private IOException translate(Throwable error) {
    WatchLimitException limit = WatchLimitException.recognise(root, error);
    if (limit != null) {
      return limit;
    }
    return error instanceof IOException io ? io : new IOException(String.valueOf(error), error);
  }
}
