package dev.toxserver.server;

import dev.toxserver.process.CommandRun;
import dev.toxserver.protocol.Message;
import dev.toxserver.protocol.Route;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A client's RUN request, from queued to finished. Fields are the loop thread's, except the output
 * queue (filled by the run's threads) and {@link #abandoned} (read by them).
 */
final class Run {
  /** Where a run is in its life; the names are the HEARTBEAT states. */
  enum State {
    QUEUED,
    STARTED
  }

  /**
   * Messages for the client, in order; the last one is the final reply. Bounded: when the client
   * falls behind the queue fills, the run's pumps block, and the command blocks on its pipes —
   * backpressure instead of dropped output.
   */
  static final int OUTPUT_QUEUE_CAPACITY = 8;

  /** One outgoing message: the frames after the delimiter. */
  record Out(byte[][] frames, boolean last) {}

  final long id;
  final Message request;
  final List<String> args;
  final long acceptedNanos = System.nanoTime();
  final long heartbeatNanos;
  final BlockingQueue<Out> output = new ArrayBlockingQueue<>(OUTPUT_QUEUE_CAPACITY);

  State state = State.QUEUED;
  long nextBeatNanos;
  long startedNanos;
  CommandRun process;

  /** The client got a QUEUED heartbeat, so it hears STARTED as soon as the run starts. */
  boolean toldQueued;

  /** The client is gone: output is discarded and the final reply is not sent. */
  volatile boolean abandoned;

  Run(long id, Message request, List<String> args, long heartbeatNanos) {
    this.id = id;
    this.request = request;
    this.args = args;
    this.heartbeatNanos = heartbeatNanos;
  }

  Route route() {
    return request.route();
  }

  @Override
  public String toString() {
    return "run #" + id;
  }
}
