package dev.toxserver.client;

import dev.toxserver.protocol.Command;
import dev.toxserver.protocol.Json;
import dev.toxserver.protocol.Message;
import dev.toxserver.protocol.ProtocolException;
import dev.toxserver.protocol.Route;
import dev.toxserver.protocol.WireFormat;
import dev.toxserver.transport.Wakeup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The client's connection to the server: its DEALER socket, the monitor that watches the socket's
 * handshake (so that a refused key or a plaintext/CURVE mismatch is a clear error at once, not a
 * silent timeout), and the poller over both and the client's {@link Wakeup}. A connection whose
 * handshake failed is replaced by a new one before the next request. Owned by the client's thread.
 */
final class ServerConnection implements AutoCloseable {
  /**
   * The socket events that tell how a handshake went. What jeromq 0.5.4 reports (it never reports
   * HANDSHAKE_SUCCEEDED): a key the server's ZAP handler refuses gives HANDSHAKE_FAILED_AUTH (the
   * status, 400) and then DISCONNECTED; a mechanism mismatch (plaintext against CURVE, either way
   * round) gives CONNECTED then DISCONNECTED without HANDSHAKE_PROTOCOL, which every completed
   * greeting reports; a CURVE client with the wrong server key gets HANDSHAKE_PROTOCOL, then
   * DISCONNECTED. After a failed handshake the socket does not reconnect.
   */
  private static final int HANDSHAKE_EVENTS =
      ZMQ.EVENT_CONNECTED
          | ZMQ.EVENT_DISCONNECTED
          | ZMQ.EVENT_HANDSHAKE_PROTOCOL
          | zmq.ZMQ.ZMQ_EVENT_HANDSHAKE_FAILED_AUTH
          | zmq.ZMQ.ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL
          | zmq.ZMQ.ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL;

  private final String endpoint;
  private final CurveKeys curve;
  private final ZContext context;
  private final Wakeup wakeup;

  // The current connection: replaced when its handshake failed.
  private ZMQ.Socket socket;
  private ZMQ.Socket events;
  private ZMQ.Poller poller;
  private int connections;
  private boolean handshakeFailed;

  // Handshake state of the current connection.
  private boolean greeted;
  private boolean heardOnConnection;
  private boolean closedInCurveHandshake;
  private int sendTimeout = -1;

  /**
   * Connects to {@code address}; {@code wakeup} is polled beside the socket.
   *
   * @throws IllegalArgumentException when the endpoint cannot be used (e.g. an unknown host name)
   */
  ServerConnection(ServerAddress address, ZContext context, Wakeup wakeup) {
    this.endpoint = address.endpoint();
    this.curve = address.curve();
    this.context = context;
    this.wakeup = wakeup;
    connect();
  }

  /** A new DEALER socket, watched by a handshake monitor, connecting to the endpoint. */
  private void connect() {
    socket = context.createSocket(SocketType.DEALER);
    socket.setLinger(0);
    sendTimeout = -1;
    if (endpoint.contains("[")) {
      socket.setIPv6(true); // an IPv6 literal such as tcp://[::1]:9876
    }
    if (curve != null) {
      // Only now are the CURVE classes loaded: a plaintext client's start-up does without them.
      socket.setCurveServerKey(curve.serverPublicKey());
      socket.setCurvePublicKey(curve.clientPublicKey());
      socket.setCurveSecretKey(curve.clientSecretKey());
    }
    // Watching the handshake is what turns a refused key or a plaintext/CURVE mismatch into a
    // clear error at once, instead of a silent timeout. The monitor must exist before connect.
    String monitor = "inproc://handshake-" + ++connections;
    socket.monitor(monitor, HANDSHAKE_EVENTS);
    events = context.createSocket(SocketType.PAIR);
    events.connect(monitor);
    greeted = false;
    heardOnConnection = false;
    closedInCurveHandshake = false;
    handshakeFailed = false;
    try {
      socket.connect(endpoint);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "Cannot connect to "
              + endpoint
              + ": "
              + e.getMessage()
              + ". Check -h/--host and -p/--port.",
          e);
    }
    poller = context.createPoller(3);
    poller.register(socket, ZMQ.Poller.POLLIN);
    poller.register(wakeup.channel(), ZMQ.Poller.POLLIN);
    poller.register(events, ZMQ.Poller.POLLIN);
  }

  /**
   * ZeroMQ never retries a connection whose handshake failed (a key the server did not know yet, a
   * mechanism mismatch): before a request, such a connection — failed in an earlier request, or
   * meanwhile with nobody reading its events — is replaced by a new one, which may now succeed.
   */
  void replaceIfFailed(Duration timeout) {
    if (!handshakeFailed) {
      try {
        handshakeEvents(timeout);
      } catch (AuthenticationException e) {
        // handshakeFailed is set: replaced below, and the new connection's events say the rest.
      }
    }
    if (handshakeFailed) {
      socket.monitor(null, 0);
      poller.close();
      context.destroySocket(events);
      context.destroySocket(socket);
      connect();
    }
  }

  /**
   * A DEALER blocks a send while it has no connection: after a failed handshake it has none and
   * never gets one, so a send may wait at most {@code timeout} (null: for ever).
   */
  void limitSendsTo(Duration timeout) {
    int ms = timeout == null ? -1 : (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    if (ms != sendTimeout) {
      socket.setSendTimeOut(ms);
      sendTimeout = ms;
    }
  }

  /**
   * Waits up to {@code waitMs} (-1: for ever) for a reply, a wake-up or a handshake event, and
   * reads the handshake events that came.
   *
   * @throws AuthenticationException when one says the connection cannot work
   */
  void await(long waitMs, Duration timeout) throws AuthenticationException {
    poller.poll(waitMs);
    if (poller.pollin(1)) {
      wakeup.clear();
    }
    if (poller.pollin(2)) {
      handshakeEvents(timeout);
    }
  }

  /** Something came from the server on this connection. */
  void heard() {
    heardOnConnection = true;
  }

  /**
   * Whether the server closed this connection during the CURVE handshake before saying anything:
   * what a server that could not decrypt our HELLO does.
   */
  boolean closedInCurveHandshake() {
    return closedInCurveHandshake;
  }

  /** Reads the socket's handshake events; throws when one says the connection cannot work. */
  private void handshakeEvents(Duration timeout) throws AuthenticationException {
    for (ZMQ.Event e; (e = ZMQ.Event.recv(events, ZMQ.DONTWAIT)) != null; ) {
      int event = e.getEvent();
      if (event == ZMQ.EVENT_CONNECTED) {
        greeted = false;
        heardOnConnection = false;
      } else if (event == ZMQ.EVENT_HANDSHAKE_PROTOCOL) {
        greeted = true;
      } else if (event == zmq.ZMQ.ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
        throw failure(AuthenticationException.Kind.KEY_REJECTED, timeout);
      } else if (event == ZMQ.EVENT_DISCONNECTED) {
        if (!greeted) {
          // The greetings named different mechanisms (NULL against CURVE).
          throw failure(
              curve != null
                  ? AuthenticationException.Kind.SERVER_WITHOUT_AUTH
                  : AuthenticationException.Kind.SERVER_REQUIRES_AUTH,
              timeout);
        }
        if (curve != null && !heardOnConnection) {
          // A server that could not decrypt our HELLO closes like this; so does one that stops at
          // that moment, so this only colours the message if nothing answers in time.
          closedInCurveHandshake = true;
        }
        greeted = false;
      }
    }
  }

  AuthenticationException failure(AuthenticationException.Kind kind, Duration timeout) {
    handshakeFailed = true;
    String server = "The tox-server at " + endpoint;
    String message =
        switch (kind) {
          case KEY_REJECTED ->
              "the server at "
                  + endpoint
                  + " rejected this client's key — run 'bridge auth' in the project (on the host,"
                  + " in the folder the server works in) to authorise "
                  + curve.clientKeySource()
                  + ", then try again.";
          case SERVER_REQUIRES_AUTH ->
              server
                  + " requires authentication (CURVE), and this client connected without it —"
                  + " run it in the project folder, whose .tox-server/server.key holds the"
                  + " server's public key, or give that file with --server-key FILE (env"
                  + " TOX_SERVER_KEY); if this client is not authorised yet, run 'bridge auth' in"
                  + " the project first.";
          case SERVER_WITHOUT_AUTH ->
              server
                  + " does not accept authenticated (CURVE) connections: it runs without"
                  + " authentication, or it is not a tox-server. This client uses CURVE because of"
                  + " "
                  + curve.serverKeySource()
                  + ". Start the server with --auth, or, if that key file is stale, remove it or"
                  + " connect without authentication with --insecure.";
          case WRONG_SERVER_KEY ->
              server
                  + " closed the connection during the CURVE handshake and then did not answer"
                  + " within "
                  + timeout.toMillis() / 1000.0
                  + " s: the server's public key in "
                  + curve.serverKeySource()
                  + " is probably stale (the server made a new key pair). Use the server.key"
                  + " from the server's project folder (.tox-server/server.key).";
        };
    return new AuthenticationException(kind, message, endpoint, timeout);
  }

  void send(Message m, int speak) {
    Message out = new Message(Route.NONE, m.command(), m.args(), m.timeout(), speak);
    try {
      socket.sendMore(WireFormat.delimiter());
      socket.send(WireFormat.body(out));
    } catch (AssertionError e) {
      // jeromq 0.5.4 asserts (with -ea) when a connection ends between the frames of a message,
      // as a failed handshake does; without -ea it drops the message. Either way the connection is
      // gone, and the handshake events or the timeout say why.
    }
  }

  /** A reply with, for raw OUTPUT, the data frame that followed its JSON. */
  record Incoming(Message message, byte[] raw) {}

  Optional<Incoming> receive() {
    byte[] first = socket.recv(ZMQ.DONTWAIT);
    if (first == null) {
      return Optional.empty();
    }
    List<byte[]> frames = new ArrayList<>(3);
    frames.add(first);
    while (socket.hasReceiveMore()) {
      frames.add(socket.recv());
    }
    // A DEALER sees [empty, JSON] (+ [raw data] for raw OUTPUT).
    int at = frames.get(0).length == 0 ? 1 : 0;
    if (frames.size() <= at) {
      return receive();
    }
    try {
      Message m = WireFormat.parseBody(Route.NONE, frames.get(at));
      byte[] raw = frames.size() > at + 1 ? frames.get(at + 1) : null;
      return Optional.of(new Incoming(m, raw));
    } catch (ProtocolException e) {
      // A reply we cannot read is reported as an ERR so the caller sees why.
      Message err =
          new Message(
              Route.NONE,
              Command.ERR,
              Json.NODES.objectNode().put("message", "Unreadable reply: " + e.getMessage()),
              null,
              1);
      return Optional.of(new Incoming(err, null));
    }
  }

  @Override
  public void close() {
    socket.monitor(null, 0);
    poller.close();
  }
}
