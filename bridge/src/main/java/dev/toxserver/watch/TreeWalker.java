package dev.toxserver.watch;

import io.methvin.watcher.visitor.FileTreeVisitor;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Walks the watched part of the tree: never enters a directory the filter ignores, and reports only
 * the files that trigger. Symbolic links are reported as files, never followed.
 *
 * <p>It is also directory-watcher's {@link FileTreeVisitor}: directory-watcher registers (on Linux,
 * adds an inotify watch for) exactly the directories this walk reports, so ignored directories
 * never cost a watch, however large they are. It remembers those directories for {@link
 * #watchedDirectories()}.
 */
final class TreeWalker implements FileTreeVisitor {
  private static final Logger LOG = Logger.getLogger(TreeWalker.class.getName());

  /** Told of each watched directory. */
  interface DirectoryVisit {
    void visit(String relative, Path directory) throws IOException;
  }

  /** Told of each triggering file (or link), with its own attributes (links not followed). */
  interface FileVisit {
    void visit(String relative, Path file, BasicFileAttributes attributes) throws IOException;
  }

  private final Path root;
  private final PathFilter filter;
  private final NavigableSet<String> registered = new ConcurrentSkipListSet<>();

  TreeWalker(Path root, PathFilter filter) {
    this.root = root;
    this.filter = filter;
  }

  /** Walks {@code start} (the root or a directory below it), reporting only triggering files. */
  void walk(Path start, DirectoryVisit onDirectory, FileVisit onFile) throws IOException {
    walk(start, onDirectory, onFile, true);
  }

  private void walk(Path start, DirectoryVisit onDirectory, FileVisit onFile, boolean filterFiles)
      throws IOException {
    Files.walkFileTree(
        start,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes)
              throws IOException {
            String relative = relative(dir);
            if (!filter.watchesDirectory(relative)) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            onDirectory.visit(relative, dir);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            // Not sockets, pipes or devices: reading a pipe to hash it would block.
            if (attributes.isRegularFile() || attributes.isSymbolicLink()) {
              String relative = relative(file);
              if (!filterFiles || filter.triggers(relative)) {
                onFile.visit(relative, file, attributes);
              }
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException error) {
            if (!(error instanceof NoSuchFileException)) { // gone while walking: nothing to watch
              LOG.log(Level.WARNING, "Not watching " + file + ": " + error, error);
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /**
   * directory-watcher's walk. Files are not filtered here: directory-watcher ignores them while
   * registering, and {@link DirectoryEvents} filters the events it makes of them in a new
   * directory; skipping the check saves start-up time (it is the costly part of a cold walk).
   */
  @Override
  public void recursiveVisitFiles(Path start, Callback onDirectory, Callback onFile)
      throws IOException {
    walk(
        start,
        (relative, dir) -> {
          registered.add(relative);
          onDirectory.call(dir);
        },
        (relative, file, attributes) -> onFile.call(file),
        false);
  }

  /**
   * How many directories were handed to directory-watcher (and are not known to be deleted). On
   * Linux each is one inotify watch.
   */
  int watchedDirectories() {
    return registered.size();
  }

  /** Forgets the directories at and below {@code relative}, which no longer exist. */
  void forget(String relative) {
    if (relative.isEmpty()) {
      registered.clear();
      return;
    }
    registered.remove(relative);
    registered.subSet(relative + "/", relative + "0").clear(); // '0' is the character after '/'
  }

  Path root() {
    return root;
  }

  PathFilter filter() {
    return filter;
  }

  /** {@code path} (the root or below it) relative to the root, '/'-separated. */
  String relative(Path path) {
    return PathFilter.key(root.relativize(path));
  }

  Path resolve(String relative) {
    return relative.isEmpty() ? root : root.resolve(relative);
  }
}
