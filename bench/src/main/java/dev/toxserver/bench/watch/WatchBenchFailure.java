package dev.toxserver.bench.watch;

/** A save the watcher did not report as expected, or a measuring JVM that failed: exit status 1. */
final class WatchBenchFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  WatchBenchFailure(String message) {
    super(message);
  }
}
