package dev.toxserver.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toxserver.auth.AuthorizedKeys;
import dev.toxserver.protocol.Command;
import dev.toxserver.protocol.Json;
import dev.toxserver.protocol.Message;
import dev.toxserver.protocol.ProtocolException;
import dev.toxserver.protocol.Route;
import dev.toxserver.protocol.WireFormat;
import dev.toxserver.text.LogText;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The loop thread, which owns the socket and everything the requests touch. Each pass it runs what
 * other threads posted, receives and dispatches requests, forwards the running command's output,
 * flushes the outbox, sends the heartbeats that are due and starts the next run; after a QUIT or a
 * stop it ends once no run is in flight and every reply is out.
 */
final class ServerLoop {
  private static final Logger LOG = Logger.getLogger("tox-server");

  /** Requests received per pass at most, so that a flood cannot starve output forwarding. */
  private static final int RECEIVE_PER_PASS = 1000;

  /** An error reply quotes at most this much of what it is about (never the whole request). */
  static final int MAX_ERROR_CHARS = 200;

  /** How long closing the socket may take after the loop failed, before the server gives up. */
  private static final long CLOSE_AFTER_FAILURE_MILLIS = 3000;

  private final ServerConfig config;
  private final LoopInbox inbox;
  private final CompletableFuture<String> bound;
  private final CompletableFuture<Void> terminated;
  private final RouterSocket socket;
  private final Shutdown shutdown = new Shutdown();
  private final Outbox outbox;
  private final Heartbeats heartbeats;
  private final Runs runs;
  private final Dispatch dispatch;

  /** The authorised keys when authentication is on, else null. */
  private final AuthorizedKeys authorized;

  /** The key (ZAP user id) of each client with a run in flight, for revocation. */
  private final Map<Route, String> keyOfRun = new HashMap<>();

  /**
   * Log lines about bad requests: short, escaped ({@link dev.toxserver.text.LogText}) and
   * rate-limited.
   */
  private final ClientLogLimit logLimit = new ClientLogLimit();

  /**
   * @param authentication the keys when authentication is on, else null
   * @param records where started runs are recorded for a successor; null when unwritable
   * @param bound completed with the endpoint once bound, or with why not
   * @param terminated completed when the loop has ended and the socket is closed
   */
  ServerLoop(
      ServerConfig config,
      Authentication authentication,
      RunRecords records,
      LoopInbox inbox,
      CompletableFuture<String> bound,
      CompletableFuture<Void> terminated) {
    this.config = config;
    this.inbox = inbox;
    this.bound = bound;
    this.terminated = terminated;
    this.socket = new RouterSocket(config, authentication, inbox.channel());
    // The runs reply through the outbox, and the outbox tells the runs of a client gone.
    this.outbox = new Outbox(socket, this::hasRun, this::clientGone);
    Heartbeats heartbeats = new Heartbeats(outbox);
    RunOutput output = new RunOutput(config.tee(), outbox, inbox);
    this.runs = new Runs(config, records, outbox, heartbeats, output, inbox, shutdown);
    this.dispatch =
        new Dispatch(
            Map.of(
                Command.RUN, new RunHandler(config.limits(), runs, shutdown, outbox),
                Command.INTERRUPT, new InterruptHandler(runs, outbox),
                Command.CANCEL, new CancelHandler(runs, outbox),
                Command.PING, new PingHandler(config, runs, outbox),
                Command.QUIT, new QuitHandler(shutdown, outbox)),
            outbox);
    this.heartbeats = heartbeats;
    this.authorized = authentication == null ? null : authentication.authorized();
    if (authorized != null) {
      // On the ZAP thread, which reads the folder: the loop cancels the revoked clients' runs.
      authorized.onChange(() -> inbox.post(this::revokeRuns));
    }
  }

  /** The loop thread's body: binds, serves until done, closes. */
  void run() {
    try {
      try {
        bound.complete(socket.open());
      } catch (ServerStartException e) {
        bound.completeExceptionally(e);
        close();
        terminated.complete(null);
        return;
      }
      LOG.info("Running server at " + bound.getNow(null));
      LOG.info("^C to exit");
      while (!finished()) {
        if (socket.poll(pollTimeoutMillis())) {
          inbox.clearWakeups();
        }
        inbox.runPosted();
        receiveAll();
        runs.forwardOutput();
        outbox.flushAll();
        outbox.dropStalled(config.limits().stallTimeout(), runs.current());
        heartbeats.sendDue(runs.all());
        runs.startNext();
      }
      LOG.fine("Server loop done");
    } catch (RuntimeException | Error e) {
      bound.completeExceptionally(e); // when it died while starting
      failed(e);
      return;
    }
    close();
    terminated.complete(null);
  }

  /**
   * The loop died (a bug, or out of memory): nothing would answer any more, so the runs are ended,
   * the socket is closed as far as it can be within a few seconds (after an OutOfMemoryError
   * ZeroMQ's close can hang for ever), and {@link #terminated} fails, for the process to exit
   * non-zero and be restarted.
   */
  private void failed(Throwable e) {
    try {
      LOG.log(Level.SEVERE, "Server loop failed; ending all runs", e);
    } catch (Throwable ignored) {
      // Logging needs memory too.
    }
    try {
      runs.cancelStarted();
    } catch (Throwable ignored) {
      // Best effort: the process is about to end anyway.
    }
    try {
      Thread closer = new Thread(this::close, "tox-server-close");
      closer.setDaemon(true);
      closer.start();
      closer.join(CLOSE_AFTER_FAILURE_MILLIS);
    } catch (Throwable ignored) {
      // Out of memory for a thread, or interrupted: the process exit closes the port.
    }
    terminated.completeExceptionally(e);
  }

  /**
   * Loop thread (posted by {@link ToxServer#stop()}): queued runs are cancelled, the running one's
   * tree is ended, their clients are told, then the loop ends.
   */
  void stop() {
    if (!shutdown.stop(config.killGrace())) {
      return;
    }
    LOG.info("Stopping: cancelling " + runs.size() + " run(s)");
    runs.cancelAll();
  }

  /** Any thread: see {@link ToxServer#killRunsNow()}. */
  void killRunsNow() {
    runs.killNow();
  }

  private void close() {
    socket.close();
    inbox.close();
    runs.shutdownThreads();
  }

  private boolean finished() {
    if (!shutdown.underway()) {
      return false;
    }
    if (runs.idle() && outbox.isEmpty()) {
      return true;
    }
    if (shutdown.overdue()) {
      LOG.warning("Gave up waiting for runs and replies to finish; closing anyway");
      return true;
    }
    return false;
  }

  private long pollTimeoutMillis() {
    long now = System.nanoTime();
    Run current = runs.current();
    boolean blocked = outbox.anyBlocked();
    if (current != null && !current.output.isEmpty() && outbox.peerOf(current.route()).blocked) {
      blocked = true;
    }
    if (blocked) {
      return 1; // a client fell behind: retry soon (ROUTER has no per-peer writability to poll)
    }
    if (current != null && !current.output.isEmpty()) {
      // More output than one pass forwards, or output of a vanished client to discard so that its
      // pumps can go on: come back at once.
      return 0;
    }
    long next = Math.min(Heartbeats.nextDue(runs.all()), shutdown.deadline());
    if (next == Long.MAX_VALUE) {
      return -1;
    }
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(next - now) + 1);
  }

  private void receiveAll() {
    for (int i = 0; i < RECEIVE_PER_PASS; i++) {
      List<byte[]> frames = socket.receive();
      if (frames == null) {
        return;
      }
      Message request;
      try {
        request = WireFormat.parseRequest(frames, config.maxMessageBytes());
      } catch (ProtocolException e) {
        String note = logLimit.admit(e.route());
        if (e.answerable()) {
          if (note != null) {
            LOG.warning(
                "Bad request from " + e.route() + ": " + LogText.excerpt(e.getMessage()) + note);
          }
          outbox.reply(e.route(), errorBody(e.route(), excerpt(e.getMessage())));
        } else if (note != null) {
          LOG.warning("Dropped a message: " + LogText.excerpt(e.getMessage()) + note);
        }
        continue;
      }
      LOG.fine(() -> "Received " + LogText.excerpt(request));
      String key = socket.lastUserId();
      if (authorized != null && !authorized.allows(key)) {
        refuseRevoked(request.route(), key);
        continue;
      }
      dispatch.dispatch(request);
      if (authorized != null && runs.has(request.route())) {
        keyOfRun.put(request.route(), key);
        if (keyOfRun.size() > 2 * runs.size() + 16) {
          keyOfRun.keySet().removeIf(client -> !runs.has(client));
        }
      }
    }
  }

  /**
   * A request on a connection whose key was authorised at the handshake and no longer is (its file
   * left {@code authorized_keys/}): refused, and its run cancelled.
   */
  private void refuseRevoked(Route client, String key) {
    LOG.warning(
        "Refused a request from "
            + client
            + ": its key "
            + key
            + " is no longer authorised (not in "
            + LogText.escaped(authorized.dir())
            + ")");
    outbox.reply(
        client,
        errorBody(
            client,
            "This client's key is no longer authorised by the server (it was removed from"
                + " .tox-server/authorized_keys/). Run 'bridge auth' in the project to authorise"
                + " it again."));
    runs.revoked(client);
  }

  /** Loop thread, after the authorised keys changed: cancels the runs of revoked clients. */
  private void revokeRuns() {
    keyOfRun.keySet().removeIf(client -> !runs.has(client));
    for (Map.Entry<Route, String> e : new ArrayList<>(keyOfRun.entrySet())) {
      if (!authorized.allows(e.getValue())) {
        runs.revoked(e.getKey());
      }
    }
  }

  /** An error text cut to {@link #MAX_ERROR_CHARS}: never an echo of a large request. */
  static String excerpt(String text) {
    if (text == null || text.length() <= MAX_ERROR_CHARS) {
      return text;
    }
    return text.substring(0, LogText.cutPoint(text, MAX_ERROR_CHARS))
        + "… ("
        + text.length()
        + " characters)";
  }

  private static byte[] errorBody(Route route, String text) {
    ObjectNode args = Json.NODES.objectNode().put("message", text);
    return WireFormat.body(new Message(route, Command.ERR, args, null, 1));
  }

  private boolean hasRun(Route client) {
    return runs.has(client);
  }

  private void clientGone(Route client) {
    runs.clientGone(client);
  }
}
