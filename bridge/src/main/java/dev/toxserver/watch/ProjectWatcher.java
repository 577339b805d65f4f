package dev.toxserver.watch;

import io.methvin.watcher.visitor.FileTreeVisitor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Watches a project directory and reports, in batches, which files changed.
 *
 * <p>The tree is watched recursively, except what the {@link PathFilter} ignores: ignored
 * directories are never walked or registered with the operating system. Directories created later
 * are watched too. Changes that arrive within {@link WatchSettings#debounce()} of each other form
 * one {@link ChangeBatch}; a file counts as changed only if its content differs from what it was at
 * the previous batch (or at start), so saving unchanged content, touching a file, or a file created
 * and deleted within one burst trigger nothing.
 *
 * <p>Threads: {@code project-watcher}, which calls the listener, and with operating-system events
 * also {@code project-watcher-events} (and the JDK's own watch-service thread). All are daemons;
 * {@link #close()} stops them and waits for its two.
 */
public final class ProjectWatcher implements AutoCloseable {

  /** Told of changes and errors, on the watcher's thread, one call at a time. */
  public interface Listener {
    /**
     * Files changed. Events that arrive while this runs are collected for the next batch. An
     * exception thrown here is passed to {@link #failed}.
     */
    void changed(ChangeBatch batch);

    /**
     * Something went wrong while watching. Watching goes on, except when the event source itself
     * ended (for example the root was deleted: a {@link WatchRootException}); then {@link
     * ProjectWatcher#isWatching()} is false from this call on. A {@link WatchLimitException} here
     * means a directory created after start could not be watched. An exception thrown here is
     * logged (java.util.logging) and otherwise ignored.
     */
    void failed(Exception error);
  }

  private final WatchSettings settings;
  private final Path root;
  private final TreeWalker walker;
  private final DirectoryEvents events;
  private final BatchLoop loop;
  private final int indexedFiles;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ProjectWatcher(
      WatchSettings settings,
      Path root,
      TreeWalker walker,
      DirectoryEvents events,
      BatchLoop loop,
      int indexedFiles) {
    this.settings = settings;
    this.root = root;
    this.walker = walker;
    this.events = events;
    this.loop = loop;
    this.indexedFiles = indexedFiles;
  }

  /**
   * The walk a watcher for {@code settings} gives directory-watcher: it enters only the watched
   * directories and reports only the files that trigger. Public for the watch benchmark, which
   * measures directory-watcher with it.
   *
   * @throws IOException if the root's {@code .gitignore} cannot be read
   */
  public static FileTreeVisitor treeVisitor(WatchSettings settings) throws IOException {
    return new TreeWalker(realDirectory(settings.root()), PathFilter.load(settings));
  }

  /**
   * Starts watching. Returns once every watched directory is registered and every watched file
   * hashed: any change made after this returns is reported.
   *
   * @throws WatchRootException if the root does not exist or is not a directory
   * @throws WatchLimitException if the operating system refuses to watch that many directories
   * @throws IllegalArgumentException if an include or exclude pattern is invalid
   * @throws IOException if the root's {@code .gitignore} cannot be read, or watching cannot start
   */
  public static ProjectWatcher start(WatchSettings settings, Listener listener) throws IOException {
    Path root = realDirectory(settings.root());
    PathFilter filter = PathFilter.load(settings);
    TreeWalker walker = new TreeWalker(root, filter);
    BatchLoop loop = new BatchLoop(settings, listener);
    // Register first, then take the baseline: a change made in between is either already in the
    // baseline or produces an event, never lost.
    DirectoryEvents events = settings.polling() ? null : DirectoryEvents.start(walker, loop::offer);
    ContentIndex index;
    try {
      index = ContentIndex.build(walker);
    } catch (IOException | RuntimeException e) {
      if (events != null) {
        closeQuietly(events, e);
      }
      throw e;
    }
    loop.start(index);
    return new ProjectWatcher(settings, root, walker, events, loop, index.size());
  }

  /** The settings this watcher was started with. */
  public WatchSettings settings() {
    return settings;
  }

  /** The watched directory, with symbolic links resolved. */
  public Path root() {
    return root;
  }

  /** Whether it is still watching: not closed, and not stopped by a failure. */
  public boolean isWatching() {
    return !closed.get() && !loop.ended();
  }

  /**
   * For diagnostics: how many directories are registered with the operating system for events (on
   * Linux, one inotify watch each); 0 when polling.
   */
  public int watchedDirectories() {
    return events == null ? 0 : walker.watchedDirectories();
  }

  /** For diagnostics: how many files were watched (indexed and hashed) at start. */
  public int filesAtStart() {
    return indexedFiles;
  }

  /**
   * Stops watching and waits until the watcher's threads have ended. Idempotent. If called from the
   * listener, it cannot wait for the thread it runs on: that thread ends when the call returns.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    loop.requestStop(); // first, so that the event source's ending is not reported as a failure
    RuntimeException failure = null;
    if (events != null) {
      try {
        events.requestClose();
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    try {
      if (events != null && failure == null) { // if closing failed, its thread may never end
        join(events.thread());
      }
      join(loop.thread());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // stop waiting; the threads are told to end regardless
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static void join(Thread thread) throws InterruptedException {
    if (thread != null && thread != Thread.currentThread()) {
      thread.join();
    }
  }

  private static Path realDirectory(Path root) throws IOException {
    if (!Files.exists(root)) {
      throw new WatchRootException("Cannot watch " + root + ": no such directory");
    }
    if (!Files.isDirectory(root)) {
      throw new WatchRootException("Cannot watch " + root + ": not a directory");
    }
    return root.toRealPath();
  }

  private static void closeQuietly(DirectoryEvents events, Exception failure) {
    try {
      events.requestClose();
      join(events.thread());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  @Override
  public String toString() {
    return "ProjectWatcher[" + root + (settings.polling() ? ", polling" : "") + "]";
  }
}
