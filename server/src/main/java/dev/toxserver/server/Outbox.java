package dev.toxserver.server;

import dev.toxserver.protocol.Message;
import dev.toxserver.protocol.Route;
import dev.toxserver.protocol.WireFormat;
import dev.toxserver.server.RouterSocket.SendResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * Replies on their way to the clients, one {@link Peer} each: sent at once while a client keeps up,
 * kept in order while its ZeroMQ send queue is full (backpressure), and dropped when its connection
 * is gone or it reads nothing for too long — after which its runs are told. Loop thread only.
 */
final class Outbox {
  private static final Logger LOG = Logger.getLogger("tox-server");

  /** A client whose unsent replies pile up past this many is treated as gone. */
  private static final int MAX_OUTBOX = 10_000;

  /**
   * A client whose unsent replies pile up past this many bytes is treated as gone. Run output never
   * waits here (it waits in the run's own bounded queue): these are replies to requests, errors and
   * heartbeats, each small, so only a client that sends and never reads gets near it.
   */
  static final long MAX_OUTBOX_BYTES = 4L << 20;

  private final RouterSocket socket;
  private final Predicate<Route> hasRun;
  private final Consumer<Route> onClientGone;
  private final Map<Route, Peer> peers = new HashMap<>();

  /**
   * @param hasRun whether a client has a run in flight; a client without one and with nothing to
   *     send is forgotten
   * @param onClientGone told of each client whose connection is gone, after its replies are dropped
   */
  Outbox(RouterSocket socket, Predicate<Route> hasRun, Consumer<Route> onClientGone) {
    this.socket = socket;
    this.hasRun = hasRun;
    this.onClientGone = onClientGone;
  }

  Peer peerOf(Route route) {
    return peers.computeIfAbsent(route, Peer::new);
  }

  /** Queues a reply to the message's sender. */
  void send(Message m) {
    reply(m.route(), WireFormat.body(m));
  }

  /** Queues a reply body to {@code route}, and sends what the client takes now. */
  void reply(Route route, byte[] body) {
    Peer peer = peerOf(route);
    peer.outbox.add(new byte[][] {body});
    peer.outboxBytes += body.length;
    if (peer.outbox.size() > MAX_OUTBOX || peer.outboxBytes > MAX_OUTBOX_BYTES) {
      LOG.warning("Client " + route + " reads nothing; dropping it");
      clientGone(peer);
      return;
    }
    flush(peer);
  }

  /** Sends what each client takes now. */
  void flushAll() {
    for (Peer p : new ArrayList<>(peers.values())) {
      flush(p);
    }
    // Forget idle clients with nothing in flight.
    peers.values().removeIf(p -> p.outbox.isEmpty() && !hasRun.test(p.route));
  }

  private void flush(Peer peer) {
    while (!peer.outbox.isEmpty()) {
      SendResult r = trySend(peer, peer.outbox.peek());
      if (r == SendResult.BLOCKED) {
        return;
      }
      if (r == SendResult.GONE) {
        clientGone(peer);
        return;
      }
      peer.outboxBytes -= size(peer.outbox.poll());
    }
  }

  private static long size(byte[][] frames) {
    long n = 0;
    for (byte[] f : frames) {
      n += f.length;
    }
    return n;
  }

  /**
   * Sends one message past the peer's queue, without blocking; the caller keeps the order (see
   * {@link RunOutput}).
   */
  SendResult trySend(Peer peer, byte[][] frames) {
    SendResult r = socket.send(peer.route, frames);
    switch (r) {
      case SENT -> {
        peer.blocked = false;
        peer.lastSentNanos = System.nanoTime();
      }
      case BLOCKED -> peer.blocked = true;
      case GONE -> {}
    }
    return r;
  }

  /** The client's connection is gone: forget its replies and tell its runs. */
  void clientGone(Peer peer) {
    peer.outbox.clear();
    peer.outboxBytes = 0;
    peer.blocked = false;
    peers.remove(peer.route);
    onClientGone.accept(peer.route);
  }

  /** Whether every reply is out. */
  boolean isEmpty() {
    return peers.values().stream().allMatch(p -> p.outbox.isEmpty());
  }

  /**
   * Treats as gone each client to whom nothing could be sent for {@code stall} while something
   * waited for it: a client that reads nothing (frozen, or just not reading) must not hold the run
   * slot; its runs are cancelled as for a vanished client.
   */
  void dropStalled(Duration stall, Run current) {
    long now = System.nanoTime();
    long limit = stall.toNanos();
    for (Peer p : new ArrayList<>(peers.values())) {
      boolean waiting =
          !p.outbox.isEmpty()
              || (current != null && !current.output.isEmpty() && current.route().equals(p.route));
      if (p.blocked && waiting && now - p.lastSentNanos > limit) {
        LOG.warning(
            "Client "
                + p.route
                + " has taken nothing for "
                + stall.toSeconds()
                + " s (--stall-timeout); dropping it");
        clientGone(p);
      }
    }
  }

  /** Whether some client's send queue was full at the last try. */
  boolean anyBlocked() {
    return peers.values().stream().anyMatch(p -> p.blocked);
  }
}
