package dev.toxserver.bench;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** A directory a benchmark makes its files in, and deletes with them at the end. */
public final class ScratchDirectory implements AutoCloseable {
  private final Path path;
  private boolean keep;

  private ScratchDirectory(Path path) {
    this.path = path;
  }

  /** A new temporary directory. */
  public static ScratchDirectory create(String prefix) throws IOException {
    return new ScratchDirectory(Files.createTempDirectory(prefix));
  }

  /**
   * {@code path}, made now; an IOException when it exists, since the end deletes it and must never
   * delete what it did not make.
   */
  public static ScratchDirectory at(Path path) throws IOException {
    if (Files.exists(path)) {
      throw new IOException(path + " exists; name a new directory");
    }
    return new ScratchDirectory(Files.createDirectories(path));
  }

  public Path path() {
    return path;
  }

  /** Leaves the directory in place at the end (to look at, or to rerun a scenario on). */
  public void keep() {
    keep = true;
  }

  /** Deletes the directory and everything in it, unless kept; best effort. */
  @Override
  public void close() {
    if (!keep) {
      deleteTree(path);
    }
  }

  /** Deletes a tree, as much of it as can be deleted. */
  public static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException error) {
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException error)
                throws IOException {
              Files.deleteIfExists(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      System.err.println("could not delete all of " + root + ": " + e);
    }
  }
}
