package dev.toxserver.support;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A DEALER speaking ZMTP 3.0 (NULL mechanism) by hand over a plain TCP socket, for what a ZeroMQ
 * library will not do: send a multipart message that never ends, or stop answering the server's
 * heartbeats while the connection stays open (a frozen client, a half-open connection). Use from
 * one thread.
 */
public final class ZmtpPeer implements AutoCloseable {
  private static final int MORE = 1;
  private static final int LONG = 2;
  private static final int COMMAND = 4;

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  /** Connects to {@code tcp://host:port} and completes the handshake. */
  public ZmtpPeer(String endpoint) throws IOException {
    String hostPort = endpoint.substring("tcp://".length());
    int colon = hostPort.lastIndexOf(':');
    socket = new Socket();
    socket.connect(
        new InetSocketAddress(
            hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))),
        10_000);
    socket.setSoTimeout(20_000);
    in = new DataInputStream(socket.getInputStream());
    out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
    byte[] greeting = new byte[64];
    greeting[0] = (byte) 0xff;
    greeting[9] = 0x7f;
    greeting[10] = 3;
    greeting[11] = 0;
    System.arraycopy("NULL".getBytes(StandardCharsets.US_ASCII), 0, greeting, 12, 4);
    out.write(greeting);
    byte[] ready = commandBody("READY", property("Socket-Type", "DEALER"));
    writeFrame(COMMAND, ready);
    out.flush();
    in.readFully(new byte[64]); // the server's greeting
    Frame r = readFrame();
    if (!r.command() || !new String(r.body(), StandardCharsets.US_ASCII).contains("READY")) {
      throw new IOException("no READY from the server");
    }
  }

  private static byte[] property(String name, String value) {
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    byte[] v = value.getBytes(StandardCharsets.US_ASCII);
    byte[] p = new byte[1 + n.length + 4 + v.length];
    p[0] = (byte) n.length;
    System.arraycopy(n, 0, p, 1, n.length);
    p[1 + n.length + 3] = (byte) v.length;
    System.arraycopy(v, 0, p, 1 + n.length + 4, v.length);
    return p;
  }

  private static byte[] commandBody(String name, byte[] data) {
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    byte[] b = new byte[1 + n.length + data.length];
    b[0] = (byte) n.length;
    System.arraycopy(n, 0, b, 1, n.length);
    System.arraycopy(data, 0, b, 1 + n.length, data.length);
    return b;
  }

  private void writeFrame(int flags, byte[] body) throws IOException {
    if (body.length > 255) {
      out.write(flags | LONG);
      long n = body.length;
      for (int i = 7; i >= 0; i--) {
        out.write((int) (n >>> (8 * i)));
      }
    } else {
      out.write(flags);
      out.write(body.length);
    }
    out.write(body);
  }

  /** Sends {@code [empty, json]}. */
  public void send(String json) throws IOException {
    writeFrame(MORE, new byte[0]);
    writeFrame(0, json.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Sends one frame, with MORE set or not, buffered: see {@link #flush}. */
  public void frame(byte[] body, boolean more) throws IOException {
    writeFrame(more ? MORE : 0, body);
  }

  public void flush() throws IOException {
    out.flush();
  }

  /**
   * Sends a ZMTP PING and waits for its PONG, skipping what else arrives: the server has decoded
   * everything sent before it.
   */
  public void pingPong(Duration timeout) throws IOException {
    writeFrame(COMMAND, commandBody("PING", new byte[] {0, 0, 'x'}));
    out.flush();
    socket.setSoTimeout((int) timeout.toMillis());
    while (true) {
      Frame f = readFrame();
      if (f.command() && new String(f.body(), StandardCharsets.US_ASCII).contains("PONG")) {
        return;
      }
    }
  }

  /** The next message's frames (commands such as the server's PINGs skipped, unanswered). */
  public List<byte[]> receive(Duration timeout) throws IOException {
    socket.setSoTimeout((int) timeout.toMillis());
    List<byte[]> frames = new ArrayList<>();
    while (true) {
      Frame f = readFrame();
      if (f.command()) {
        continue;
      }
      frames.add(f.body());
      if (!f.more()) {
        return frames;
      }
    }
  }

  /** Whether the server closed the connection (end of stream, or reset) within {@code timeout}. */
  public boolean closedByServerWithin(Duration timeout) throws IOException {
    socket.setSoTimeout((int) timeout.toMillis());
    try {
      while (true) {
        readFrame();
      }
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (java.io.EOFException | java.net.SocketException e) {
      return true;
    }
  }

  private record Frame(int flags, byte[] body) {
    boolean more() {
      return (flags & MORE) != 0;
    }

    boolean command() {
      return (flags & COMMAND) != 0;
    }
  }

  private Frame readFrame() throws IOException {
    int flags = in.readUnsignedByte();
    long size = (flags & LONG) != 0 ? in.readLong() : in.readUnsignedByte();
    byte[] body = new byte[Math.toIntExact(size)];
    in.readFully(body);
    return new Frame(flags, body);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
