package dev.toxserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toxserver.auth.AuthorizedKeys;
import dev.toxserver.auth.ServerKeys;
import dev.toxserver.auth.ZapHandler;
import dev.toxserver.keys.KeyFileException;
import dev.toxserver.keys.KeyPair;
import dev.toxserver.keys.ProjectKeys;
import dev.toxserver.keys.StateDir;
import dev.toxserver.process.CommandNotFoundException;
import dev.toxserver.process.CommandRun;
import dev.toxserver.process.Executables;
import dev.toxserver.protocol.Command;
import dev.toxserver.protocol.Json;
import dev.toxserver.protocol.Message;
import dev.toxserver.protocol.Protocol;
import dev.toxserver.protocol.ProtocolException;
import dev.toxserver.protocol.Route;
import dev.toxserver.protocol.Stream;
import dev.toxserver.protocol.WireFormat;
import dev.toxserver.transport.Wakeup;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;
import zmq.ZError;

/**
 * The tox-server: one ROUTER socket, one loop thread that owns it, one run at a time.
 *
 * <p>Everything that touches the socket or the task table happens on the loop thread. Run threads
 * (output pumps, supervisors) only fill their run's bounded output queue and {@link Wakeup wake}
 * the loop; other threads ask for a stop the same way.
 */
public final class ToxServer {
  private static final Logger LOG = Logger.getLogger("tox-server");

  /**
   * How the server notices a client that went away: every in-flight request's client that has been
   * sent nothing for this long gets a HEARTBEAT. With ROUTER_MANDATORY set, sending to an identity
   * whose connection is gone fails with EHOSTUNREACH, and the client's runs are cancelled — within
   * a few seconds, whether or not the client asked for heartbeats. (A socket monitor reports
   * disconnects by address, not by identity, so it cannot say whose run to cancel.)
   */
  static final long PROBE_NANOS = TimeUnit.SECONDS.toNanos(2);

  /** Per-client ZeroMQ send queue, in messages (each at most ~82 KiB of OUTPUT). */
  private static final int SEND_HWM = 64;

  /**
   * OUTPUT messages forwarded per pass of the loop (1 MiB at most): a stream that the command
   * refills as fast as it goes out must not keep the loop from other clients' requests (a PING is
   * answered within milliseconds even during a long stream).
   */
  private static final int FORWARD_PER_PASS = 16;

  /** A client whose unsent replies pile up past this is treated as gone. */
  private static final int MAX_OUTBOX = 10_000;

  private final ServerConfig config;
  private final Wakeup wakeup = new Wakeup();
  private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
  private final CompletableFuture<String> bound = new CompletableFuture<>();
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private final OutputStream teeOut = new FileOutputStream(FileDescriptor.out);
  private final OutputStream teeErr = new FileOutputStream(FileDescriptor.err);
  private Thread loopThread;

  /** The runs' records for a successor, should this server be killed; null when unwritable. */
  private RunRecords records;

  // Set by start() when authentication is on.
  private KeyPair serverKeys;
  private AuthorizedKeys authorized;

  /**
   * Threads for the runs' pumps, supervisors and killers, reused from run to run. Daemons, so that
   * a pump stuck on a pipe held by a process that escaped its run can never keep the JVM alive.
   */
  private final ExecutorService runThreads =
      Executors.newCachedThreadPool(
          new ThreadFactory() {
            private final AtomicInteger n = new AtomicInteger();

            @Override
            public Thread newThread(Runnable r) {
              Thread t = new Thread(r, "tox-server-run-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            }
          });

  // Loop thread only.
  private ZContext context;
  private ZapHandler zap;
  private ZMQ.Socket router;
  private ZMQ.Poller poller;
  private final Map<Route, Peer> peers = new HashMap<>();
  private final Map<Route, Run> runs = new LinkedHashMap<>();
  private final ArrayDeque<Run> queue = new ArrayDeque<>();
  private Run current;

  /** The running command, for {@link #killRunsNow()} from any thread; null between runs. */
  private volatile CommandRun live;

  private long runCounter;
  private boolean quitting;
  private boolean stopping;
  private long stopDeadline;

  public ServerConfig config() {
    return config;
  }

  public ToxServer(ServerConfig config) {
    this.config = config;
  }

  /**
   * Binds and starts serving on a new thread.
   *
   * @return the bound endpoint, e.g. {@code tcp://127.0.0.1:9876}
   */
  public synchronized String start() throws ServerStartException {
    if (loopThread != null) {
      throw new IllegalStateException("already started");
    }
    if (!Files.isDirectory(config.workdir())) {
      throw new ServerStartException(
          "Working directory " + config.workdir() + " does not exist or is not a directory.");
    }
    if (config.command().isEmpty()) {
      throw new ServerStartException("No command to run: --command is empty.");
    }
    try {
      Executables.resolve(config.command().get(0), config.workdir());
    } catch (CommandNotFoundException e) {
      throw new ServerStartException("Cannot run the command: " + e.getMessage());
    }
    loadKeys();
    sweepPredecessorsRuns();
    loopThread = new Thread(this::loop, "tox-server-loop");
    loopThread.start();
    try {
      return bound.get();
    } catch (ExecutionException e) {
      awaitTermination(Duration.ofSeconds(5));
      if (e.getCause() instanceof ServerStartException s) {
        throw s;
      }
      throw new ServerStartException("Cannot start the server: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServerStartException("Interrupted while starting");
    }
  }

  /**
   * Before serving: ends what is left of runs whose server was killed (see {@link RunRecords}), so
   * that no tox of a dead server competes with ours, and opens this server's records.
   */
  private void sweepPredecessorsRuns() {
    try {
      records = RunRecords.open(config.workdir());
    } catch (IOException e) {
      LOG.warning(
          "Cannot keep run records in "
              + StateDir.of(config.workdir())
              + " ("
              + e
              + "): runs left by a killed server are not ended, and ours would not be either.");
      return;
    }
    records.sweep(config.killGrace());
  }

  /**
   * With authentication on: the server's key pair (made on the first start) and the authorised
   * client keys. Off: only a note when a key file would make clients try CURVE.
   */
  private void loadKeys() throws ServerStartException {
    Path pub = ProjectKeys.serverPublicFile(config.workdir());
    if (!config.auth()) {
      if (Files.exists(pub)) {
        LOG.warning(
            "Authentication is off, but "
                + pub
                + " exists: clients in this project will use CURVE and fail to connect. Start the"
                + " server with --auth, or connect the clients with --insecure.");
      }
      return;
    }
    try {
      StateDir state = StateDir.open(config.workdir());
      serverKeys = ServerKeys.loadOrCreate(state);
      Path dir = state.resolve(ProjectKeys.AUTHORIZED_DIR);
      Files.createDirectories(dir);
      // The server's own key: whoever can read its secret key (the server's user, e.g. a
      // health check in the container) may connect with it.
      authorized = new AuthorizedKeys(dir).alsoAccept(serverKeys.publicKey(), pub);
    } catch (KeyFileException e) {
      throw new ServerStartException(e.getMessage(), e);
    } catch (IOException e) {
      throw new ServerStartException(
          "Cannot set up the server's keys in " + StateDir.of(config.workdir()) + ": " + e, e);
    }
    int n = authorized.size();
    LOG.info(
        "Authentication on (CURVE): clients verify this server by "
            + pub
            + " and are accepted when their public key is in "
            + authorized.dir()
            + " ("
            + (n == 0 ? "none yet" : n + (n == 1 ? " key" : " keys"))
            + "). To authorise a client, run 'bridge auth' on the host in the project folder;"
            + " no restart needed.");
  }

  /** The endpoint clients connect to, once bound. */
  public String endpoint() {
    return bound.getNow(null);
  }

  /** The bound TCP port, once bound. */
  public int port() {
    String e = endpoint();
    return Integer.parseInt(e.substring(e.lastIndexOf(':') + 1));
  }

  /**
   * Stops from any thread: queued runs are cancelled, the running one's tree is ended, their
   * clients are told, then the socket closes.
   */
  public void stop() {
    inbox.add(this::beginStop);
    wakeup.wake();
  }

  /**
   * Ends the running command's whole process tree at once (SIGKILL, no grace period), from any
   * thread: for an embedding process that is about to exit without waiting for {@link #stop()}.
   */
  public void killRunsNow() {
    CommandRun run = live;
    if (run != null) {
      run.killNow();
    }
  }

  /** Completes when the loop has ended and the socket is closed. */
  public CompletableFuture<Void> terminated() {
    return terminated;
  }

  /** Waits for {@link #terminated()}; true if it happened in time. */
  public boolean awaitTermination(Duration timeout) {
    try {
      terminated.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  // ---------------------------------------------------------------- the loop

  private void loop() {
    try {
      open();
    } catch (ServerStartException e) {
      bound.completeExceptionally(e);
      closeQuietly();
      terminated.complete(null);
      return;
    }
    try {
      bound.complete(router.getLastEndpoint());
      LOG.info("Running server at " + router.getLastEndpoint());
      LOG.info("^C to exit");
      while (!finished()) {
        poller.poll(pollTimeoutMillis());
        if (poller.pollin(1)) {
          wakeup.clear();
        }
        for (Runnable r; (r = inbox.poll()) != null; ) {
          r.run();
        }
        receiveAll();
        forwardRunOutput();
        flushPeers();
        heartbeats();
        startNextRun();
      }
      LOG.fine("Server loop done");
    } catch (RuntimeException | Error e) {
      LOG.log(Level.SEVERE, "Server loop failed; ending all runs", e);
      for (Run t : runs.values()) {
        if (t.process != null) {
          t.process.cancel();
        }
      }
    } finally {
      closeQuietly();
      terminated.complete(null);
    }
  }

  private void open() throws ServerStartException {
    context = new ZContext(1);
    if (serverKeys != null) {
      // Before the socket exists: a connection accepted without a ZAP handler would skip the
      // key check.
      try {
        zap = ZapHandler.start(context, authorized);
      } catch (RuntimeException e) {
        throw new ServerStartException("Cannot start authentication: " + e.getMessage(), e);
      }
    }
    router = context.createSocket(SocketType.ROUTER);
    if (serverKeys != null) {
      router.setZAPDomain("tox-server");
      router.setCurveServer(true);
      router.setCurveSecretKey(serverKeys.secretKey());
    }
    router.setRouterMandatory(true);
    router.setSndHWM(SEND_HWM);
    router.setLinger(1000);
    // ZeroMQ cuts absurdly large messages itself; moderately large ones reach us to be answered.
    router.setMaxMsgSize(Math.max(16L << 20, 2L * config.maxMessageBytes()));
    if (config.bindHost().contains(":")) {
      router.setIPv6(true);
    }
    String where = config.bindHost() + ":" + config.port();
    try {
      router.bind(config.bindEndpoint());
    } catch (ZMQException e) {
      int code = e.getErrorCode();
      if (code == ZError.EADDRINUSE) {
        throw new ServerStartException(
            "Cannot listen on "
                + where
                + ": the port is already in use (is another tox-server running?)."
                + " Stop it, or choose another port with -p/--port.");
      }
      if (code == ZError.EADDRNOTAVAIL) {
        throw new ServerStartException(
            "Cannot listen on "
                + where
                + ": no network interface has that address. Check -b/--bind-host.");
      }
      throw new ServerStartException("Cannot listen on " + where + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new ServerStartException("Cannot listen on " + where + ": " + e.getMessage(), e);
    }
    poller = context.createPoller(2);
    poller.register(router, ZMQ.Poller.POLLIN);
    poller.register(wakeup.channel(), ZMQ.Poller.POLLIN);
  }

  private void closeQuietly() {
    try {
      if (poller != null) {
        poller.close();
      }
      if (router != null) {
        context.destroySocket(router); // first: no connection may outlive the key check
      }
      if (zap != null) {
        zap.close();
      }
      if (context != null) {
        context.close();
      }
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "while closing the socket", e);
    }
    wakeup.close();
    runThreads.shutdown();
  }

  private boolean finished() {
    if (!quitting && !stopping) {
      return false;
    }
    boolean idle =
        runs.isEmpty()
            && current == null
            && peers.values().stream().allMatch(p -> p.outbox.isEmpty());
    if (idle) {
      return true;
    }
    if (stopping && System.nanoTime() > stopDeadline) {
      LOG.warning("Gave up waiting for runs and replies to finish; closing anyway");
      return true;
    }
    return false;
  }

  private long pollTimeoutMillis() {
    long now = System.nanoTime();
    boolean blocked = peers.values().stream().anyMatch(p -> p.blocked);
    if (current != null && !current.output.isEmpty() && peerOf(current.route()).blocked) {
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
    long next = Long.MAX_VALUE;
    for (Run t : runs.values()) {
      next = Math.min(next, t.nextBeatNanos);
    }
    if (stopping) {
      next = Math.min(next, stopDeadline);
    }
    if (next == Long.MAX_VALUE) {
      return -1;
    }
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(next - now) + 1);
  }

  // ---------------------------------------------------------------- receiving

  private void receiveAll() {
    // Bounded per pass so a flood of requests cannot starve output forwarding.
    for (int i = 0; i < 1000; i++) {
      byte[] first = router.recv(ZMQ.DONTWAIT);
      if (first == null) {
        return;
      }
      List<byte[]> frames = new ArrayList<>(3);
      frames.add(first);
      while (router.hasReceiveMore()) {
        frames.add(router.recv());
      }
      Message request;
      try {
        request = WireFormat.parseRequest(frames, config.maxMessageBytes());
      } catch (ProtocolException e) {
        if (e.answerable()) {
          LOG.warning("Bad request from " + e.route() + ": " + e.getMessage());
          reply(e.route(), errorBody(e.route(), e.getMessage()));
        } else {
          LOG.warning("Dropped a message: " + e.getMessage());
        }
        continue;
      }
      LOG.fine(() -> "Received " + request);
      try {
        handle(request);
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, "Error handling " + request, e);
        send(request.error("Internal server error: " + e));
      }
    }
  }

  private static byte[] errorBody(Route route, String text) {
    Message m =
        new Message(route, Command.ERR, Json.NODES.objectNode().put("message", text), null, 1);
    return WireFormat.body(m);
  }

  private void handle(Message m) {
    switch (m.command()) {
      case PING -> send(m.respond(Command.PING, pingArgs()));
      case QUIT -> {
        LOG.info("QUIT received: finishing accepted runs, then exiting");
        quitting = true;
        send(m.respond(Command.QUIT, Json.NODES.textNode("DONE")));
      }
      case RUN -> handleRun(m);
      case INTERRUPT -> handleInterrupt(m);
      case CANCEL -> handleCancel(m);
      case ERR, OUTPUT, HEARTBEAT ->
          send(m.error("Command " + m.command() + " is sent by the server, not to it."));
    }
  }

  private JsonNode pingArgs() {
    ObjectNode o = Json.NODES.objectNode();
    o.put("time", System.currentTimeMillis() / 1000.0);
    o.put("tasks", runs.size());
    o.put("version", Protocol.VERSION);
    o.put("workdir", config.workdir().toString());
    ArrayNode cmd = o.putArray("command");
    config.command().forEach(cmd::add);
    return o;
  }

  private void handleRun(Message m) {
    JsonNode tox = m.args().isObject() ? m.args().get("tox") : null;
    if (tox == null) {
      send(m.error("RUN args must be an object {\"tox\": [str, ...]}."));
      return;
    }
    if (!tox.isArray()) {
      send(m.error("RUN args 'tox' must be a list of strings, got " + typeName(tox) + "."));
      return;
    }
    List<String> args = new ArrayList<>();
    for (JsonNode a : tox) {
      if (!a.isTextual()) {
        send(m.error("RUN args 'tox' must be a list of strings; found " + typeName(a) + "."));
        return;
      }
      if (a.textValue().indexOf('\0') >= 0) {
        send(m.error("RUN arguments cannot contain NUL characters."));
        return;
      }
      args.add(a.textValue());
    }
    if (runs.containsKey(m.route())) {
      send(
          m.respond(
              Command.ERR,
              Json.NODES
                  .objectNode()
                  .put("message", "A task has already started.")
                  .put("command", m.command().name())));
      return;
    }
    if (quitting || stopping) {
      send(m.error("The server is shutting down and takes no new runs."));
      return;
    }
    long beat = 0;
    if (m.timeout() != null) {
      double seconds = Math.max(Protocol.MIN_HEARTBEAT_SECONDS, m.timeout() / 2.0);
      beat = (long) (seconds * 1e9);
    }
    Run task = new Run(++runCounter, m, List.copyOf(args), beat);
    task.nextBeatNanos = System.nanoTime() + (beat > 0 ? Math.min(beat, PROBE_NANOS) : PROBE_NANOS);
    runs.put(m.route(), task);
    queue.add(task);
    LOG.fine(() -> task + " queued for " + m.route() + ": " + args);
  }

  private static String typeName(JsonNode n) {
    return n.getNodeType().name().toLowerCase();
  }

  /** The command named by INTERRUPT/CANCEL args, or null after answering with an ERR. */
  private Command targetOf(Message m) {
    JsonNode c = m.args().isObject() ? m.args().get("command") : null;
    if (c == null || !c.isTextual()) {
      send(
          m.error(
              m.command()
                  + " args must be an object {\"command\": NAME}, e.g. {\"command\": \"RUN\"}."));
      return null;
    }
    Command target = Command.byName(c.textValue()).orElse(null);
    if (target == null) {
      send(m.error("Unknown command " + c.textValue()));
    }
    return target;
  }

  private void handleInterrupt(Message m) {
    Command target = targetOf(m);
    if (target == null) {
      return;
    }
    Run task = target == Command.RUN ? runs.get(m.route()) : null;
    if (task == null) {
      send(m.error("Could not find task"));
      return;
    }
    LOG.info("Interrupting " + task + " at its client's request");
    cancel(task);
  }

  private void handleCancel(Message m) {
    Command target = targetOf(m);
    if (target == null) {
      return;
    }
    int n = 0;
    if (target == Command.RUN) {
      List<Run> all = new ArrayList<>(runs.values());
      n = all.size();
      all.forEach(this::cancel);
      if (n > 0) {
        LOG.info("CANCEL: cancelled " + n + " run(s)");
      }
    }
    send(m.respond(Command.CANCEL, Json.NODES.objectNode().put("cancelled", n)));
  }

  /** Queued: dropped with an ERR to its client. Started: its process tree is ended. */
  private void cancel(Run task) {
    if (task.state == Run.State.QUEUED) {
      queue.remove(task);
      runs.remove(task.route());
      if (!task.abandoned) {
        send(task.request.error("Command RUN was cancelled."));
      }
    } else {
      task.process.cancel();
    }
  }

  private void beginStop() {
    if (stopping) {
      return;
    }
    stopping = true;
    stopDeadline = System.nanoTime() + config.killGrace().toNanos() + TimeUnit.SECONDS.toNanos(3);
    LOG.info("Stopping: cancelling " + runs.size() + " run(s)");
    new ArrayList<>(runs.values()).forEach(this::cancel);
  }

  // ---------------------------------------------------------------- runs

  private void startNextRun() {
    while (current == null && !queue.isEmpty() && !stopping) {
      Run task = queue.poll();
      List<String> argv = new ArrayList<>();
      try {
        argv.add(Executables.resolve(config.command().get(0), config.workdir()).toString());
      } catch (CommandNotFoundException e) {
        failToStart(task, e.getMessage());
        continue;
      }
      argv.addAll(config.command().subList(1, config.command().size()));
      argv.addAll(task.args);
      try {
        task.process =
            CommandRun.start(
                "run-" + task.id,
                argv,
                config.workdir(),
                config.killGrace(),
                sinkFor(task),
                runThreads);
      } catch (IOException e) {
        failToStart(task, e.getMessage());
        continue;
      }
      if (records != null) {
        records.add(task.process.pid(), argv);
      }
      task.state = Run.State.STARTED;
      task.startedNanos = System.nanoTime();
      current = task;
      live = task.process;
      LOG.info("Started " + task + " (pid " + task.process.pid() + "): " + String.join(" ", argv));
      if (task.toldQueued || task.heartbeatNanos > 0) {
        // A client that asked for heartbeats learns at once, before any output, that it started.
        heartbeat(task);
      }
      // Never on this thread: a result already complete would run finishOutput here at once, and
      // its put() waits for room in the output queue, which only this thread makes (a run that
      // wrote exactly a queue's worth of chunks before this line deadlocked the server).
      task.process
          .result()
          .whenCompleteAsync((code, error) -> finishOutput(task, code, error), runThreads);
    }
  }

  private void failToStart(Run task, String why) {
    LOG.warning("Cannot start " + task + ": " + why);
    runs.remove(task.route());
    send(task.request.error("Cannot start " + config.command().get(0) + ": " + why));
  }

  /** Runs on the pump threads: encodes, mirrors (tee) and queues a chunk, waiting for room. */
  private dev.toxserver.process.OutputSink sinkFor(Run task) {
    Message req = task.request;
    int version = req.negotiatedVersion();
    boolean raw = req.wantsRawOutput();
    return (stream, data, length) -> {
      if (config.tee()) {
        try {
          (stream == Stream.STDOUT ? teeOut : teeErr).write(data, 0, length);
        } catch (IOException e) {
          // The server's own terminal went away; the client still gets everything.
        }
      }
      if (task.abandoned) {
        return;
      }
      byte[][] frames =
          raw
              ? new byte[][] {
                WireFormat.rawOutputHeader(stream, req.timeout(), version),
                length == data.length ? data : java.util.Arrays.copyOf(data, length)
              }
              : new byte[][] {
                WireFormat.outputBody(stream, data, 0, length, req.timeout(), version)
              };
      task.output.put(new Run.Out(frames, false));
      wakeup.wake();
    };
  }

  /** Runs on a run thread, never the loop: queues the final reply after the last output. */
  private void finishOutput(Run task, Integer code, Throwable error) {
    Message reply;
    if (error != null) {
      reply = task.request.error("Run failed: " + error);
    } else {
      ObjectNode a = Json.NODES.objectNode();
      a.put("returncode", code);
      ArrayNode list = a.putArray("args");
      task.args.forEach(list::add);
      reply = task.request.respond(Command.RUN, a);
    }
    try {
      task.output.put(new Run.Out(new byte[][] {WireFormat.body(reply)}, true));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    wakeup.wake();
  }

  /** Moves the running task's output to its client while the client keeps up. */
  private void forwardRunOutput() {
    Run task = current;
    if (task == null) {
      return;
    }
    Peer peer = peerOf(task.route());
    for (int n = 0; n < FORWARD_PER_PASS; n++) {
      Run.Out out = task.output.peek();
      if (out == null) {
        return;
      }
      if (!task.abandoned) {
        if (!peer.outbox.isEmpty()) {
          return; // earlier replies first; they are flushed before we come back
        }
        SendResult r = trySend(peer, out.frames());
        if (r == SendResult.BLOCKED) {
          return;
        }
        if (r == SendResult.GONE) {
          clientGone(peer);
        }
      }
      task.output.poll();
      if (out.last()) {
        endRun(task);
        return;
      }
    }
  }

  /** The final reply is out: sweep what is left of the tree; the next run starts after that. */
  private void endRun(Run task) {
    runs.remove(task.route());
    task.process
        .endTree()
        .whenComplete(
            (v, error) -> {
              inbox.add(() -> treeGone(task));
              wakeup.wake();
            });
    double secs = (System.nanoTime() - task.startedNanos) / 1e9;
    String how;
    try {
      Integer code = task.process.result().getNow(null);
      how = "returncode " + code;
    } catch (RuntimeException e) {
      how = "error " + e.getMessage();
    }
    String summary = how;
    LOG.info(
        () ->
            String.format(
                "Finished %s: %s in %.2f s%s",
                task, summary, secs, task.abandoned ? " (client gone, reply not sent)" : ""));
  }

  private void treeGone(Run task) {
    if (records != null) {
      records.remove(task.process.pid());
    }
    if (current == task) {
      current = null;
      live = null;
    }
  }

  // ---------------------------------------------------------------- sending

  private enum SendResult {
    SENT,
    BLOCKED,
    GONE
  }

  private Peer peerOf(Route route) {
    return peers.computeIfAbsent(route, Peer::new);
  }

  /** Queues a reply to the message's sender. */
  private void send(Message m) {
    reply(m.route(), WireFormat.body(m));
  }

  private void reply(Route route, byte[] body) {
    Peer peer = peerOf(route);
    peer.outbox.add(new byte[][] {body});
    if (peer.outbox.size() > MAX_OUTBOX) {
      LOG.warning("Client " + route + " reads nothing; dropping it");
      clientGone(peer);
      return;
    }
    flush(peer);
  }

  private void flushPeers() {
    for (Peer p : new ArrayList<>(peers.values())) {
      flush(p);
    }
    // Forget idle clients with nothing in flight.
    peers.values().removeIf(p -> p.outbox.isEmpty() && !runs.containsKey(p.route));
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
      peer.outbox.poll();
    }
  }

  /**
   * Sends without ever blocking the loop: ROUTER_MANDATORY makes a full peer queue EAGAIN (we keep
   * the message and retry) and a vanished peer EHOSTUNREACH (instead of silent drops).
   */
  private SendResult trySend(Peer peer, byte[][] frames) {
    Route route = peer.route;
    try {
      if (!router.send(route.frame(0), ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
        return failure(peer, router.errno());
      }
      // Once the first frame is accepted the rest of the message always is.
      for (int i = 1; i < route.size(); i++) {
        router.send(route.frame(i), ZMQ.SNDMORE | ZMQ.DONTWAIT);
      }
      router.send(WireFormat.delimiter(), ZMQ.SNDMORE | ZMQ.DONTWAIT);
      for (int i = 0; i < frames.length; i++) {
        router.send(frames[i], (i + 1 < frames.length ? ZMQ.SNDMORE : 0) | ZMQ.DONTWAIT);
      }
    } catch (ZMQException e) {
      return failure(peer, e.getErrorCode());
    }
    peer.blocked = false;
    peer.lastSentNanos = System.nanoTime();
    return SendResult.SENT;
  }

  private SendResult failure(Peer peer, int errno) {
    if (errno == ZError.EAGAIN) {
      peer.blocked = true;
      return SendResult.BLOCKED;
    }
    if (errno == ZError.EHOSTUNREACH) {
      return SendResult.GONE;
    }
    throw new ZMQException("send to " + peer.route + " failed", errno);
  }

  /** The client's connection is gone: forget its replies and cancel its runs. */
  private void clientGone(Peer peer) {
    peer.outbox.clear();
    peer.blocked = false;
    peers.remove(peer.route);
    Run task = runs.get(peer.route);
    if (task == null) {
      LOG.fine("Client " + peer.route + " went away");
      return;
    }
    LOG.warning("The client of " + task + " went away; cancelling it");
    task.abandoned = true;
    cancel(task);
    // Its queued output is discarded by forwardRunOutput, which must still see the final reply.
  }

  private void heartbeat(Run t) {
    ObjectNode a = Json.NODES.objectNode();
    a.put("now", System.currentTimeMillis() / 1000.0);
    a.put("state", t.state.name());
    send(t.request.respond(Command.HEARTBEAT, a));
    t.toldQueued |= t.state == Run.State.QUEUED;
  }

  private void heartbeats() {
    long now = System.nanoTime();
    for (Run t : new ArrayList<>(runs.values())) {
      if (t.abandoned || now < t.nextBeatNanos) {
        continue;
      }
      Peer peer = peerOf(t.route());
      boolean asked = t.heartbeatNanos > 0;
      boolean silent = now - peer.lastSentNanos >= PROBE_NANOS;
      if ((asked || silent) && peer.outbox.isEmpty() && !peer.blocked) {
        heartbeat(t);
      }
      long period = asked ? Math.min(t.heartbeatNanos, PROBE_NANOS) : PROBE_NANOS;
      t.nextBeatNanos = now + period;
    }
  }
}
