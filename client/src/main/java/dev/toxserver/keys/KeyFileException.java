package dev.toxserver.keys;

import java.nio.file.Path;

/**
 * A key file that is missing, unreadable, or not a key: the message names the file, what is wrong
 * with it, and what to do.
 */
public final class KeyFileException extends Exception {
  private final Path file;

  public KeyFileException(Path file, String message) {
    super(message);
    this.file = file;
  }

  public KeyFileException(Path file, String message, Throwable cause) {
    super(message, cause);
    this.file = file;
  }

  /** The file at fault. */
  public Path file() {
    return file;
  }
}
