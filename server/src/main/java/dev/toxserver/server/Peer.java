package dev.toxserver.server;

import dev.toxserver.protocol.Route;
import java.util.ArrayDeque;

/** What the loop knows of one client: replies waiting to be sent and when it last got anything. */
final class Peer {
  final Route route;
  final ArrayDeque<byte[][]> outbox = new ArrayDeque<>();
  long lastSentNanos = System.nanoTime();
  boolean blocked;

  /** The bytes of the replies in {@link #outbox}. */
  long outboxBytes;

  Peer(Route route) {
    this.route = route;
  }
}
