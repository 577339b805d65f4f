package dev.toxserver.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toxserver.process.OutputSink;
import dev.toxserver.protocol.Command;
import dev.toxserver.protocol.Json;
import dev.toxserver.protocol.Message;
import dev.toxserver.protocol.Stream;
import dev.toxserver.protocol.WireFormat;
import dev.toxserver.server.RouterSocket.SendResult;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * A run's output on its way to the client, through the run's bounded {@link Run#output} queue: the
 * run's pump threads encode and queue each chunk (waiting while the queue is full: backpressure
 * down to the command's pipes), a run thread queues the final reply, and the loop moves them to the
 * client, a bounded number per pass.
 */
final class RunOutput {
  /**
   * OUTPUT messages forwarded per pass of the loop (1 MiB at most): a stream that the command
   * refills as fast as it goes out must not keep the loop from other clients' requests (a PING is
   * answered within milliseconds even during a long stream).
   */
  private static final int FORWARD_PER_PASS = 16;

  private final boolean tee;
  private final Outbox outbox;
  private final LoopInbox inbox;
  private final OutputStream teeOut = new FileOutputStream(FileDescriptor.out);
  private final OutputStream teeErr = new FileOutputStream(FileDescriptor.err);

  /**
   * @param tee whether output is mirrored to the server's own stdout and stderr
   * @param inbox woken for each message queued
   */
  RunOutput(boolean tee, Outbox outbox, LoopInbox inbox) {
    this.tee = tee;
    this.outbox = outbox;
    this.inbox = inbox;
  }

  /** Runs on the pump threads: encodes, mirrors (tee) and queues a chunk, waiting for room. */
  OutputSink sinkFor(Run run) {
    Message req = run.request;
    int version = req.negotiatedVersion();
    boolean raw = req.wantsRawOutput();
    return (stream, data, length) -> {
      if (tee) {
        try {
          (stream == Stream.STDOUT ? teeOut : teeErr).write(data, 0, length);
        } catch (IOException e) {
          // The server's own terminal went away; the client still gets everything.
        }
      }
      if (run.abandoned) {
        return;
      }
      byte[][] frames =
          raw
              ? new byte[][] {
                WireFormat.rawOutputHeader(stream, req.timeout(), version),
                length == data.length ? data : Arrays.copyOf(data, length)
              }
              : new byte[][] {
                WireFormat.outputBody(stream, data, 0, length, req.timeout(), version)
              };
      run.output.put(new Run.Out(frames, false));
      inbox.wake();
    };
  }

  /** Runs on a run thread, never the loop: queues the final reply after the last output. */
  void finish(Run run, Integer code, Throwable error) {
    Message reply;
    if (error != null) {
      reply = run.request.error("Run failed: " + error);
    } else {
      ObjectNode a = Json.NODES.objectNode();
      a.put("returncode", code);
      ArrayNode list = a.putArray("args");
      run.args.forEach(list::add);
      if (run.process.isCancelled()) {
        // Our extension (v1 clients ignore unknown keys): a cancelled run is cancelled whatever
        // its exit code; a command that traps SIGTERM and exits 0 has not passed.
        a.put("cancelled", true);
      }
      reply = run.request.respond(Command.RUN, a);
    }
    try {
      run.output.put(new Run.Out(new byte[][] {WireFormat.body(reply)}, true));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    inbox.wake();
  }

  /**
   * Loop thread: moves the run's output to its client while the client keeps up (an abandoned run's
   * is discarded).
   *
   * @return whether the final reply went out, so that the run can end
   */
  boolean forward(Run run) {
    Peer peer = outbox.peerOf(run.route());
    for (int n = 0; n < FORWARD_PER_PASS; n++) {
      Run.Out out = run.output.peek();
      if (out == null) {
        return false;
      }
      if (!run.abandoned) {
        if (!peer.outbox.isEmpty()) {
          return false; // earlier replies first; they are flushed before we come back
        }
        SendResult r = outbox.trySend(peer, out.frames());
        if (r == SendResult.BLOCKED) {
          return false;
        }
        if (r == SendResult.GONE) {
          outbox.clientGone(peer);
        }
      }
      run.output.poll();
      if (out.last()) {
        return true;
      }
    }
    return false;
  }
}
