package dev.toxserver.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toxserver.protocol.Command;
import dev.toxserver.protocol.Json;
import dev.toxserver.protocol.Message;
import dev.toxserver.protocol.Protocol;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * HEARTBEATs to the clients of runs in flight: every timeout/2 to a client that asked for them by a
 * timeout, and a probe to any client that has been sent nothing for a while. Loop thread only.
 */
final class Heartbeats {
  /**
   * How the server notices a client that went away: every in-flight request's client that has been
   * sent nothing for this long gets a HEARTBEAT. With ROUTER_MANDATORY set, sending to an identity
   * whose connection is gone fails with EHOSTUNREACH, and the client's runs are cancelled — within
   * a few seconds, whether or not the client asked for heartbeats. (A socket monitor reports
   * disconnects by address, not by identity, so it cannot say whose run to cancel.)
   */
  static final long PROBE_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final Outbox outbox;

  Heartbeats(Outbox outbox) {
    this.outbox = outbox;
  }

  /** The heartbeat period a request asks for by its timeout, in nanoseconds; 0 for none. */
  static long periodOf(Message request) {
    if (request.timeout() == null) {
      return 0;
    }
    double seconds = Math.max(Protocol.MIN_HEARTBEAT_SECONDS, request.timeout() / 2.0);
    return (long) (seconds * 1e9);
  }

  /** Sets when a newly accepted run's first heartbeat is due. */
  static void schedule(Run run) {
    long beat = run.heartbeatNanos;
    run.nextBeatNanos = System.nanoTime() + (beat > 0 ? Math.min(beat, PROBE_NANOS) : PROBE_NANOS);
  }

  /** Tells the run's client, now, where the run is. */
  void send(Run run) {
    ObjectNode a = Json.NODES.objectNode();
    a.put("now", System.currentTimeMillis() / 1000.0);
    a.put("state", run.state.name());
    outbox.send(run.request.respond(Command.HEARTBEAT, a));
    run.toldQueued |= run.state == Run.State.QUEUED;
  }

  /**
   * Sends the heartbeats that are due. One waits while replies to its client are still queued: the
   * client hears from the server anyway.
   */
  void sendDue(List<Run> runs) {
    long now = System.nanoTime();
    for (Run t : runs) {
      if (t.abandoned || now < t.nextBeatNanos) {
        continue;
      }
      Peer peer = outbox.peerOf(t.route());
      boolean asked = t.heartbeatNanos > 0;
      boolean silent = now - peer.lastSentNanos >= PROBE_NANOS;
      if ((asked || silent) && peer.outbox.isEmpty() && !peer.blocked) {
        send(t);
      }
      long period = asked ? Math.min(t.heartbeatNanos, PROBE_NANOS) : PROBE_NANOS;
      t.nextBeatNanos = now + period;
    }
  }

  /** When the next heartbeat is due, as {@link System#nanoTime}; Long.MAX_VALUE for none. */
  static long nextDue(Iterable<Run> runs) {
    long next = Long.MAX_VALUE;
    for (Run t : runs) {
      next = Math.min(next, t.nextBeatNanos);
    }
    return next;
  }
}
