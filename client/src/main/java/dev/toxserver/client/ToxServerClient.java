package dev.toxserver.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.toxserver.protocol.Base85;
import dev.toxserver.protocol.Command;
import dev.toxserver.protocol.Json;
import dev.toxserver.protocol.Message;
import dev.toxserver.protocol.Protocol;
import dev.toxserver.protocol.Stream;
import dev.toxserver.transport.Wakeup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.zeromq.ZContext;

/**
 * A tox-server client: one DEALER socket, one request at a time.
 *
 * <p>The socket belongs to the thread that created the client, which must make every call except
 * {@link #interrupt()}: that one may come from any thread (a ^C handler) and is handed to the owner
 * through a {@link Wakeup}.
 */
public final class ToxServerClient implements AutoCloseable {
  private final String endpoint;
  private final int version;
  private final ZContext context;
  private final Wakeup wakeup = new Wakeup();

  private final ServerConnection connection;

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
    this.version = version;
    this.context = new ZContext(1);
    try {
      this.connection = new ServerConnection(address, context, wakeup);
    } catch (IllegalArgumentException e) {
      context.close();
      wakeup.close();
      throw e;
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
    return new FinishedRun(r.path("returncode").asInt(), ran, r.path("cancelled").asBoolean(false));
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
    connection.replaceIfFailed(timeout);
    boolean interruptSent = false;
    Double seconds = heartbeatWindow == null ? null : heartbeatWindow.toMillis() / 1000.0;
    connection.limitSendsTo(timeout); // then the loop below says why nothing came
    connection.send(Message.request(command, args, seconds), version);
    long silenceNanos = timeout == null ? Long.MAX_VALUE : timeout.toNanos();
    long lastHeard = System.nanoTime();
    boolean heardAnything = false;
    while (true) {
      if (cancellation.requested() && !interruptSent) {
        interruptSent = true;
        JsonNode target = Json.NODES.objectNode().put("command", command.name());
        connection.send(Message.request(Command.INTERRUPT, target, seconds), version);
      }
      long waitMs = -1;
      if (timeout != null) {
        long left = silenceNanos - (System.nanoTime() - lastHeard);
        if (left <= 0) {
          if (connection.closedInCurveHandshake() && !heardAnything) {
            throw connection.failure(AuthenticationException.Kind.WRONG_SERVER_KEY, timeout);
          }
          throw new ServerUnreachableException(endpoint, timeout, heardAnything);
        }
        waitMs = Math.max(1, left / 1_000_000);
      }
      connection.await(waitMs, timeout);
      while (true) {
        Optional<ServerConnection.Incoming> in = connection.receive();
        if (in.isEmpty()) {
          break;
        }
        heardAnything = true;
        connection.heard();
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

  private static boolean isStrayInterruptError(Message m) {
    return "Could not find task".equals(m.args().path("message").textValue());
  }

  private static void deliver(ServerConnection.Incoming in, ClientListener listener) {
    JsonNode a = in.message().args();
    Stream stream = Stream.byName(a.path("stream").asText()).orElse(Stream.STDOUT);
    if (in.raw() != null) {
      listener.output(stream, in.raw(), 0, in.raw().length);
    } else {
      byte[] data = Base85.decode(a.path("data").asText());
      listener.output(stream, data, 0, data.length);
    }
  }

  @Override
  public void close() {
    connection.close();
    context.close();
    wakeup.close();
  }
}
