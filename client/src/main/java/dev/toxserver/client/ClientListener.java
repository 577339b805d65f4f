package dev.toxserver.client;

import dev.toxserver.protocol.Stream;

/** What a client hears while a request is in flight. Called on the client's own thread. */
public interface ClientListener {
  /** A chunk of the command's output, exactly as the command wrote it. */
  default void output(Stream stream, byte[] data, int offset, int length) {}

  /** A heartbeat; {@code state} is {@code QUEUED} or {@code STARTED} (or null from old servers). */
  default void heartbeat(String state) {}

  /** No-op listener. */
  ClientListener NONE = new ClientListener() {};
}
