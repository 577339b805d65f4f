package dev.toxserver.watch;

import java.io.IOException;

/** The directory to watch is missing, is not a directory, or disappeared while being watched. */
public final class WatchRootException extends IOException {
  public WatchRootException(String message) {
    super(message);
  }
}
