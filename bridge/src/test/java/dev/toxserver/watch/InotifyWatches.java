package dev.toxserver.watch;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Counts this process's inotify watches, as the kernel sees them (Linux only). In the bridge's
 * test-jar: the watch benchmark counts them too.
 */
public final class InotifyWatches {
  private InotifyWatches() {}

  public static boolean countable() {
    return Files.isDirectory(Path.of("/proc/self/fdinfo"));
  }

  /** The "inotify wd:" lines of every inotify descriptor in /proc/self/fdinfo. */
  public static int count() throws IOException {
    int watches = 0;
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path fd : fds) {
        try {
          if (!Files.readSymbolicLink(fd).toString().equals("anon_inode:inotify")) {
            continue;
          }
          for (String line :
              Files.readAllLines(Path.of("/proc/self/fdinfo", fd.getFileName().toString()))) {
            if (line.startsWith("inotify wd:")) {
              watches++;
            }
          }
        } catch (IOException e) {
          // closed since the directory was listed (the listing's own descriptor, say)
        }
      }
    }
    return watches;
  }
}
