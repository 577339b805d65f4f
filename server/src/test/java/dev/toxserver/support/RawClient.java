package dev.toxserver.support;

import dev.toxserver.protocol.Message;
import dev.toxserver.protocol.Route;
import dev.toxserver.protocol.WireFormat;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** A bare DEALER socket for sending exactly the frames a test wants. Use from one thread. */
public final class RawClient implements AutoCloseable {
  private final ZContext context = new ZContext(1);
  private final ZMQ.Socket socket;

  public RawClient(String endpoint) {
    this(endpoint, 1000);
  }

  public RawClient(String endpoint, int receiveHwm) {
    socket = context.createSocket(SocketType.DEALER);
    socket.setLinger(0);
    socket.setRcvHWM(receiveHwm);
    socket.connect(endpoint);
  }

  /** Sends {@code [empty, json]}. */
  public void send(String json) {
    sendFrames(new byte[0], json.getBytes(StandardCharsets.UTF_8));
  }

  public void sendFrames(byte[]... frames) {
    for (int i = 0; i < frames.length; i++) {
      socket.send(frames[i], i + 1 < frames.length ? ZMQ.SNDMORE : 0);
    }
  }

  /** The next message's frames, or null after {@code timeout}. */
  public List<byte[]> receiveFrames(Duration timeout) {
    socket.setReceiveTimeOut((int) timeout.toMillis());
    byte[] first = socket.recv();
    if (first == null) {
      return null;
    }
    List<byte[]> frames = new ArrayList<>();
    frames.add(first);
    while (socket.hasReceiveMore()) {
      frames.add(socket.recv());
    }
    return frames;
  }

  /** The next message, parsed; fails the test after {@code timeout}. */
  public Message receive(Duration timeout) throws Exception {
    List<byte[]> frames = receiveFrames(timeout);
    if (frames == null) {
      throw new AssertionError("No message within " + timeout.toMillis() + " ms");
    }
    return WireFormat.parseBody(Route.NONE, frames.get(1));
  }

  /** The next message that is not a HEARTBEAT. */
  public Message receiveSkippingHeartbeats(Duration timeout) throws Exception {
    while (true) {
      Message m = receive(timeout);
      if (m.command() != dev.toxserver.protocol.Command.HEARTBEAT) {
        return m;
      }
    }
  }

  @Override
  public void close() {
    context.close();
  }
}
