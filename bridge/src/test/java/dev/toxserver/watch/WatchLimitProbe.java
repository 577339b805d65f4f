package dev.toxserver.watch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Run by {@link WatchLimitTest} in a user namespace whose inotify limits are tiny. Prints what
 * happened, one result line then the message, and exits 0 if it ran to the end.
 */
public final class WatchLimitProbe {
  private WatchLimitProbe() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Path root = Path.of(args[1]);
    switch (mode) {
      case "at-start" -> {
        directories(root, "d", 30);
        try (ProjectWatcher watcher = ProjectWatcher.start(WatchSettings.of(root), ignored())) {
          System.out.println("STARTED with " + watcher.watchedDirectories() + " directories");
        } catch (WatchLimitException e) {
          System.out.println("REFUSED " + e.limit());
          System.out.println(e.getMessage());
        }
      }
      case "later" -> {
        directories(root, "d", 2);
        RecordingListener listener = new RecordingListener();
        try (ProjectWatcher watcher = ProjectWatcher.start(WatchSettings.of(root), listener)) {
          directories(root, "late", 30);
          Exception error = listener.failures.poll(20, TimeUnit.SECONDS);
          if (error instanceof WatchLimitException limit) {
            System.out.println("FAILED " + limit.limit() + " watching=" + watcher.isWatching());
            System.out.println(limit.getMessage());
          } else {
            System.out.println("NO LIMIT ERROR: " + error);
          }
        }
      }
      default -> throw new IllegalArgumentException(mode);
    }
  }

  private static void directories(Path root, String prefix, int count) throws IOException {
    for (int i = 0; i < count; i++) {
      Path dir = Files.createDirectories(root.resolve(prefix + i));
      Files.writeString(dir.resolve("mod.py"), "x = " + i + "\n");
    }
  }

  private static ProjectWatcher.Listener ignored() {
    return new RecordingListener();
  }
}
