package dev.toxserver.watch;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The operating system refused to watch more directories (Linux: an inotify limit). The message
 * says which limit and how to raise it, or how to do without.
 */
public final class WatchLimitException extends IOException {

  /** The limits the JDK reports by name when inotify refuses. */
  public enum Limit {
    /**
     * {@code fs.inotify.max_user_watches}: one watch per directory, for all of a user's programs.
     */
    WATCHES("max_user_watches", 524_288, "User limit of inotify watches reached"),
    /** {@code fs.inotify.max_user_instances}: one instance per watching program. */
    INSTANCES("max_user_instances", 1_024, "User limit of inotify instances reached");

    final String sysctl;
    final int suggested;
    final String jdkMessage;

    Limit(String name, int suggested, String jdkMessage) {
      this.sysctl = "fs.inotify." + name;
      this.suggested = suggested;
      this.jdkMessage = jdkMessage;
    }
  }

  private final Limit limit;

  WatchLimitException(Path root, Limit limit, Throwable cause) {
    super(message(root, limit, currentValue(limit)), cause);
    this.limit = limit;
  }

  /** Which limit was reached. */
  public Limit limit() {
    return limit;
  }

  /**
   * The limit error hidden in {@code error} (or one of its causes) as a {@code
   * WatchLimitException}, or {@code null} if it is some other error.
   */
  static WatchLimitException recognise(Path root, Throwable error) {
    if (error instanceof WatchLimitException known) {
      return known;
    }
    for (Throwable t = error; t != null; t = t.getCause()) {
      String text = t.getMessage();
      if (text == null) {
        continue;
      }
      for (Limit limit : Limit.values()) {
        if (text.contains(limit.jdkMessage)) {
          return new WatchLimitException(root, limit, error);
        }
      }
    }
    return null;
  }

  /** The message for {@code limit}; {@code current} is the limit's value now, if known. */
  static String message(Path root, Limit limit, String current) {
    String value = current == null ? "" : " (" + limit.sysctl + " = " + current + ")";
    String what =
        limit == Limit.WATCHES
            ? "the system's limit on inotify watches is used up"
                + value
                + "; each watched directory takes one, shared by all of this user's programs"
            : "the system's limit on inotify instances is used up"
                + value
                + ", or this process has too many open files";
    String setting = limit.sysctl + "=" + limit.suggested;
    return "Cannot watch "
        + root
        + ": "
        + what
        + ".\nRaise it:\n    sudo sysctl "
        + setting
        + "\nand to keep it after a reboot:\n    echo "
        + setting
        + " | sudo tee /etc/sysctl.d/90-tox-server-inotify.conf"
        + "\nOr watch fewer directories (--exclude, .gitignore), or poll instead of using events:"
        + " --poll 500";
  }

  private static String currentValue(Limit limit) {
    // Not Files.readString: it reads /proc/sys files byte by byte, and gets only the first byte.
    try (BufferedReader reader =
        Files.newBufferedReader(Path.of("/proc/sys/" + limit.sysctl.replace('.', '/')))) {
      String line = reader.readLine();
      return line == null ? null : line.strip();
    } catch (IOException | RuntimeException e) {
      return null; // not Linux, or not readable: the message does without the number
    }
  }
}
