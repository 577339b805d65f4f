package dev.toxserver.protocol;

import java.util.Optional;

/** Which of the child's output streams an OUTPUT chunk came from. */
public enum Stream {
  STDOUT,
  STDERR;

  /** The stream with this exact wire name, if there is one. */
  public static Optional<Stream> byName(String name) {
    for (Stream s : values()) {
      if (s.name().equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
