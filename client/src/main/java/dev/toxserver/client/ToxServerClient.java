package dev.toxserver.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.toxserver.protocol.Base85;
import dev.toxserver.protocol.Command;
import dev.toxserver.protocol.Json;
import dev.toxserver.protocol.Message;
import dev.toxserver.protocol.Protocol;
import dev.toxserver.protocol.ProtocolException;
import dev.toxserver.protocol.Route;
import dev.toxserver.protocol.Stream;
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
 * A tox-server client: one DEALER socket, one request at a time.
 *
 * <p>The socket belongs to the thread that created the client, which must make every call except
 * {@link #interrupt()}: that one may come from any thread (a ^C handler) and is handed to the owner
 * through a {@link Wakeup}.
 */
public final class ToxServerClient implements AutoCloseable {
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
  private final int version;
  private final ZContext context;
  private final Wakeup wakeup = new Wakeup();

  // The current connection: replaced when its handshake failed (owner thread only).
  private ZMQ.Socket socket;
  private ZMQ.Socket events;
  private ZMQ.Poller poller;
  private int connections;
  private boolean handshakeFailed;

  // Handshake state of the current connection (owner thread only).
  private boolean greeted;
  private boolean heardOnConnection;
  private boolean closedInCurveHandshake;
  private int sendTimeout = -1;

  /** What {@link #interrupt()} cancels: the request in flight, or else the next one. */
  private volatile Cancellation current = new Cancellation();

  /** A client that connects to {@code endpoint} (e.g. {@code tcp://localhost:9876}). */
  public ToxServerClient(String endpoint) {
    this(endpoint, Protocol.VERSION);
  }

  /**
   * A client that announces protocol {@code version}: 1 behaves exactly like the original Python
   * client (base85 OUTPUT); 2 and later receive OUTPUT as raw frames.
   *
   * @throws IllegalArgumentException when the endpoint cannot be used (e.g. an unknown host name)
   */
  public ToxServerClient(String endpoint, int version) {
    this(ServerAddress.plain(endpoint), version);
  }

  /** A client for {@code address}: plaintext, or CURVE with its keys. */
  public ToxServerClient(ServerAddress address) {
    this(address, Protocol.VERSION);
  }

  /** A client for {@code address} that announces protocol {@code version}. */
  public ToxServerClient(ServerAddress address, int version) {
    this.endpoint = address.endpoint();
    this.curve = address.curve();
    this.version = version;
    this.context = new ZContext(1);
    try {
      connect();
    } catch (IllegalArgumentException e) {
      context.close();
      wakeup.close();
      throw e;
    }
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
  private void replaceFailedConnection(Duration timeout) {
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

  /** Where this client connects. */
  public String endpoint() {
    return endpoint;
  }

  /**
   * Asks the server to cancel this client's request in flight (INTERRUPT), or else its next one as
   * soon as it is sent. Safe from any thread; the run then ends with the server's reply as usual.
   * One that races a request's end may cancel the next request: callers that must cancel one
   * particular request give it a {@link Cancellation} of its own.
   */
  public void interrupt() {
    current.cancel();
  }

  /** PING: the server's health data ({@code time}, {@code tasks}, ...). */
  public JsonNode ping(Duration timeout) throws ServerUnreachableException, ServerErrorException {
    return expect(
        call(Command.PING, Json.NODES.nullNode(), timeout, ClientListener.NONE), Command.PING);
  }

  /** QUIT: asks the server to finish its work and stop. */
  public JsonNode quit(Duration timeout) throws ServerUnreachableException, ServerErrorException {
    return expect(
        call(Command.QUIT, Json.NODES.nullNode(), timeout, ClientListener.NONE), Command.QUIT);
  }

  /** CANCEL {"command": "RUN"}: cancels every client's runs; returns how many. */
  public int cancelAll(Duration timeout) throws ServerUnreachableException, ServerErrorException {
    JsonNode args = Json.NODES.objectNode().put("command", Command.RUN.name());
    JsonNode reply =
        expect(call(Command.CANCEL, args, timeout, ClientListener.NONE), Command.CANCEL);
    return reply.path("cancelled").asInt();
  }

  /**
   * RUN: runs the server's command with {@code args} appended, delivering output to {@code
   * listener} as it arrives.
   *
   * @param timeout how long the server may stay silent (it heartbeats every timeout/2); null waits
   *     forever
   * @throws ServerErrorException when the server refused the run or it was cancelled while queued
   */
  public FinishedRun run(List<String> args, Duration timeout, ClientListener listener)
      throws ServerUnreachableException, ServerErrorException {
    return run(args, timeout, timeout, listener);
  }

  /**
   * RUN, asking the server for heartbeats every {@code heartbeatWindow}/2 while giving up only
   * after {@code timeout} of silence: a short window tells the listener early whether the run is
   * still queued behind another client's.
   */
  public FinishedRun run(
      List<String> args, Duration timeout, Duration heartbeatWindow, ClientListener listener)
      throws ServerUnreachableException, ServerErrorException {
    return run(args, timeout, heartbeatWindow, listener, null);
  }

  /**
   * As {@link #run(List, Duration, Duration, ClientListener)}, cancelled through {@code
   * cancellation} (null: through {@link #interrupt()}).
   */
  public FinishedRun run(
      List<String> args,
      Duration timeout,
      Duration heartbeatWindow,
      ClientListener listener,
      Cancellation cancellation)
      throws ServerUnreachableException, ServerErrorException {
    ArrayNode list = Json.NODES.arrayNode();
    args.forEach(list::add);
    Message reply =
        call(
            Command.RUN,
            Json.NODES.objectNode().set("tox", list),
            timeout,
            heartbeatWindow,
            listener,
            cancellation);
    JsonNode r = expect(reply, Command.RUN);
    List<String> ran = new ArrayList<>();
    r.path("args").forEach(a -> ran.add(a.asText()));
    return new FinishedRun(r.path("returncode").asInt(), ran);
  }

  private static JsonNode expect(Message reply, Command expected) throws ServerErrorException {
    if (reply.command() == Command.ERR) {
      throw new ServerErrorException(
          reply.args().path("message").asText(Json.toText(reply.args())));
    }
    if (reply.command() != expected) {
      throw new ServerErrorException("Unexpected reply " + reply.command() + " to " + expected);
    }
    return reply.args();
  }

  /**
   * Sends one request and waits for its final reply: anything but OUTPUT and HEARTBEAT, which go to
   * the listener.
   *
   * @param timeout the longest silence accepted from the server; null waits forever
   */
  public Message call(Command command, JsonNode args, Duration timeout, ClientListener listener)
      throws ServerUnreachableException {
    return call(command, args, timeout, timeout, listener, null);
  }

  /**
   * As {@link #call(Command, JsonNode, Duration, ClientListener)}, but the request's own {@code
   * timeout} (which sets the server's heartbeat period to half of it) is {@code heartbeatWindow}.
   */
  public Message call(
      Command command,
      JsonNode args,
      Duration timeout,
      Duration heartbeatWindow,
      ClientListener listener,
      Cancellation cancellation)
      throws ServerUnreachableException {
    Cancellation c = cancellation != null ? cancellation : current;
    c.bind(wakeup);
    try {
      return exchange(command, args, timeout, heartbeatWindow, listener, c);
    } finally {
      c.bind(null);
      if (c == current) {
        current = new Cancellation(); // interrupt() now means the next request
      }
    }
  }

  private Message exchange(
      Command command,
      JsonNode args,
      Duration timeout,
      Duration heartbeatWindow,
      ClientListener listener,
      Cancellation cancellation)
      throws ServerUnreachableException {
    replaceFailedConnection(timeout);
    boolean interruptSent = false;
    Double seconds = heartbeatWindow == null ? null : heartbeatWindow.toMillis() / 1000.0;
    // A DEALER blocks a send while it has no connection: after a failed handshake it has none and
    // never gets one, so a send may wait at most the timeout (then the loop below says why).
    int sendTimeout = timeout == null ? -1 : (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    if (sendTimeout != this.sendTimeout) {
      socket.setSendTimeOut(sendTimeout);
      this.sendTimeout = sendTimeout;
    }
    send(Message.request(command, args, seconds), version);
    long silenceNanos = timeout == null ? Long.MAX_VALUE : timeout.toNanos();
    long lastHeard = System.nanoTime();
    boolean heardAnything = false;
    while (true) {
      if (cancellation.requested() && !interruptSent) {
        interruptSent = true;
        JsonNode target = Json.NODES.objectNode().put("command", command.name());
        send(Message.request(Command.INTERRUPT, target, seconds), version);
      }
      long waitMs = -1;
      if (timeout != null) {
        long left = silenceNanos - (System.nanoTime() - lastHeard);
        if (left <= 0) {
          if (closedInCurveHandshake && !heardAnything) {
            throw failure(AuthenticationException.Kind.WRONG_SERVER_KEY, timeout);
          }
          throw new ServerUnreachableException(endpoint, timeout, heardAnything);
        }
        waitMs = Math.max(1, left / 1_000_000);
      }
      poller.poll(waitMs);
      if (poller.pollin(1)) {
        wakeup.clear();
      }
      if (poller.pollin(2)) {
        handshakeEvents(timeout);
      }
      while (true) {
        Optional<Incoming> in = receive();
        if (in.isEmpty()) {
          break;
        }
        heardAnything = true;
        heardOnConnection = true;
        lastHeard = System.nanoTime();
        Message m = in.get().message();
        switch (m.command()) {
          case OUTPUT -> deliver(in.get(), listener);
          case HEARTBEAT -> listener.heartbeat(m.args().path("state").textValue());
          default -> {
            if (interruptSent && m.command() == Command.ERR && isStrayInterruptError(m)) {
              continue; // INTERRUPT raced the run's end: the run's own reply follows or came.
            }
            return m;
          }
        }
      }
    }
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

  private AuthenticationException failure(AuthenticationException.Kind kind, Duration timeout) {
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

  private static boolean isStrayInterruptError(Message m) {
    return "Could not find task".equals(m.args().path("message").textValue());
  }

  private void deliver(Incoming in, ClientListener listener) {
    JsonNode a = in.message().args();
    Stream stream = Stream.byName(a.path("stream").asText()).orElse(Stream.STDOUT);
    if (in.raw() != null) {
      listener.output(stream, in.raw(), 0, in.raw().length);
    } else {
      byte[] data = Base85.decode(a.path("data").asText());
      listener.output(stream, data, 0, data.length);
    }
  }

  private void send(Message m, int speak) {
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
  private record Incoming(Message message, byte[] raw) {}

  private Optional<Incoming> receive() {
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
    context.close();
    wakeup.close();
  }
}
