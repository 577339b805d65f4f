package dev.toxserver.watch;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The files that changed in one burst.
 *
 * @param files the changed files, relative to the watched root, sorted, each once. Created,
 *     modified and deleted files all count; a file whose content ended the burst as it began (saved
 *     unchanged, touched, written and restored) does not.
 * @param firstChange when the watcher first heard of a change to one of these files: with events,
 *     the moment the event arrived; when polling, the scan that found it. The caller measures "save
 *     to test run" latency from here.
 * @param lastChange when it last heard of a change to one of them
 */
public record ChangeBatch(List<Path> files, Instant firstChange, Instant lastChange) {
  public ChangeBatch {
    files = List.copyOf(files);
    if (files.isEmpty()) {
      throw new IllegalArgumentException("a batch names at least one file");
    }
    if (lastChange.isBefore(firstChange)) {
      throw new IllegalArgumentException("lastChange is before firstChange");
    }
  }
}
