package dev.toxserver.protocol;

import java.util.Optional;

/** The commands of tox-server protocol v1. Names travel on the wire exactly as spelled here. */
public enum Command {
  /** Reply: something went wrong; args {@code {"message": str}}. */
  ERR,
  /** Request: finish accepted work, then stop the server; reply args {@code "DONE"}. */
  QUIT,
  /** Request: health check; reply args {@code {"time": epoch s, "tasks": n}}. */
  PING,
  /** Request: run the configured command; reply args {@code {"returncode": int, "args": [...]}}. */
  RUN,
  /** Server to client while a run is going: one chunk of stdout or stderr. */
  OUTPUT,
  /** Request: cancel this client's own task named by args {@code {"command": NAME}}. */
  INTERRUPT,
  /** Request: cancel every client's tasks named by args {@code {"command": NAME}}. */
  CANCEL,
  /**
   * Server to client every timeout/2 while a request is in flight; args {@code {"now", "state"}}.
   */
  HEARTBEAT;

  /** The command with this exact wire name, if there is one. */
  public static Optional<Command> byName(String name) {
    for (Command c : values()) {
      if (c.name().equals(name)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
