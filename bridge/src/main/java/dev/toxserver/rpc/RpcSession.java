package dev.toxserver.rpc;

import dev.toxserver.client.Cancellation;
import dev.toxserver.client.ClientListener;
import dev.toxserver.client.ClientSetup;
import dev.toxserver.client.ServerAddress;
import dev.toxserver.client.ServerErrorException;
import dev.toxserver.client.ServerUnreachableException;
import dev.toxserver.client.ToxServerClient;
import dev.toxserver.keys.KeyFileException;
import dev.toxserver.protocol.Protocol;
import dev.toxserver.protocol.Stream;
import dev.toxserver.rpc.BridgeApi.CancelAllResult;
import dev.toxserver.rpc.BridgeApi.CancelParams;
import dev.toxserver.rpc.BridgeApi.CancelResult;
import dev.toxserver.rpc.BridgeApi.Editor;
import dev.toxserver.rpc.BridgeApi.Empty;
import dev.toxserver.rpc.BridgeApi.Errors;
import dev.toxserver.rpc.BridgeApi.InitializeParams;
import dev.toxserver.rpc.BridgeApi.InitializeResult;
import dev.toxserver.rpc.BridgeApi.RunParams;
import dev.toxserver.rpc.BridgeApi.RunResult;
import dev.toxserver.rpc.BridgeApi.SetAutoRunParams;
import dev.toxserver.rpc.BridgeApi.StatusResult;
import dev.toxserver.schedule.OnChange;
import dev.toxserver.watch.ChangeBatch;
import dev.toxserver.watch.ProjectWatcher;
import dev.toxserver.watch.WatchSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;

/**
 * What {@code bridge stdio} does for one editor: the {@link BridgeApi.Bridge} requests, one queue
 * of runs (manual and automatic), a runner thread that owns the connection to the server, a monitor
 * of the server, the file watcher, and a flusher that turns output into notifications.
 *
 * <p>Threads: lsp4j's reader calls the request methods, which never block; the runner owns the run
 * client; the monitor owns its PING clients; the watcher calls {@link #changed}; the flusher sends
 * output. Queue state is guarded by {@code this}.
 */
final class RpcSession implements BridgeApi.Bridge {
  private static final Logger LOG = Logger.getLogger("bridge");

  /** lsp4j's own logger; held so that the handler added to it cannot be collected. */
  private static final Logger LSP4J_LOG = Logger.getLogger("org.eclipse.lsp4j.jsonrpc");

  /** At most this many changed files are named in a {@code runQueued} notification. */
  static final int MAX_CHANGED_FILES = 50;

  private final ClientSetup clients;
  private final String bridgeVersion;
  private final String defaultHost;
  private final Integer defaultPort;
  private final Duration defaultTimeout;
  private final CountDownLatch finished = new CountDownLatch(1);
  private Editor editor;

  // Settings from initialize.
  private String endpoint;
  private ServerAddress address;
  private Duration timeout;
  private Path workspace;
  private List<String> toxArgs = List.of();
  private volatile boolean autoRun = true;
  private OnChange onChange = OnChange.RESTART;

  // Guarded by this.
  private boolean initializing;
  private boolean initialized;
  private boolean shutDown;
  private boolean closed;
  private int nextRunId = 1;
  private final Deque<Job> pending = new ArrayDeque<>();
  private Job current;

  private ServerMonitor monitor;
  private ProjectWatcher watcher;
  private Thread runner;
  private Thread flusher;
  private OutputCoalescer output; // guarded by this
  private volatile int exitCode = -1;

  /** A run, from the moment it is queued. */
  private static final class Job {
    final int runId;
    final String trigger;
    final TreeSet<String> files; // grows while an auto-run waits; guarded by the session
    final List<String> args;
    final CompletableFuture<RunResult> reply; // null for auto-runs
    boolean cancelled;
    boolean ended;
    boolean sent; // handed to the runner
    final Cancellation cancellation = new Cancellation();

    Job(
        int runId,
        String trigger,
        List<String> files,
        List<String> args,
        CompletableFuture<RunResult> reply) {
      this.runId = runId;
      this.trigger = trigger;
      this.files = new TreeSet<>(files);
      this.args = args;
      this.reply = reply;
    }
  }

  RpcSession(
      String defaultHost,
      Integer defaultPort,
      Duration defaultTimeout,
      ClientSetup clients,
      String bridgeVersion) {
    this.clients = clients;
    this.bridgeVersion = bridgeVersion;
    this.defaultHost = defaultHost;
    this.defaultPort = defaultPort;
    this.defaultTimeout = defaultTimeout;
  }

  /** The editor's side of the connection, once lsp4j made it. */
  void connect(Editor editor) {
    this.editor = editor;
    // What lsp4j reports about input it could not read (bad headers, bad JSON without an id to
    // answer) reaches the editor as a log notification too.
    LSP4J_LOG.addHandler(
        new Handler() {
          private final ThreadLocal<Boolean> inside = ThreadLocal.withInitial(() -> false);

          @Override
          public void publish(LogRecord record) {
            if (record.getLevel().intValue() < Level.WARNING.intValue() || inside.get()) {
              return;
            }
            inside.set(true);
            try {
              BridgeApi.Log l = new BridgeApi.Log();
              l.level =
                  record.getLevel().intValue() >= Level.SEVERE.intValue() ? "error" : "warning";
              l.message = "Unreadable input from the editor: " + record.getMessage();
              editor.log(l);
            } catch (RuntimeException e) {
              // the editor is gone: stderr has it
            } finally {
              inside.set(false);
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        });
  }

  // ------------------------------------------------------------------ requests

  @Override
  public CompletableFuture<InitializeResult> initialize(InitializeParams p) {
    synchronized (this) {
      if (initializing) {
        return failed(-32600, "initialize was already called");
      }
      if (p == null || p.workspaceFolder == null) {
        return failed(-32602, "initialize needs workspaceFolder");
      }
      Path folder = Path.of(p.workspaceFolder).toAbsolutePath().normalize();
      if (!Files.isDirectory(folder)) {
        return failed(-32602, "workspaceFolder " + folder + " is not a directory");
      }
      String host = p.server != null && p.server.host != null ? p.server.host : defaultHost;
      Integer port = p.server != null && p.server.port != null ? p.server.port : defaultPort;
      if (port == null || port < 1 || port > 65535) {
        return failed(
            -32602,
            "No tox-server port: give server.port in initialize, or start the bridge with -p or"
                + " TOX_SERVER_PORT set.");
      }
      double seconds =
          p.server != null && p.server.timeoutSeconds != null
              ? p.server.timeoutSeconds
              : defaultTimeout.toMillis() / 1000.0;
      if (!(seconds > 0)) {
        return failed(-32602, "server.timeoutSeconds must be positive");
      }
      try {
        onChange =
            p.watch == null || p.watch.onChange == null
                ? OnChange.RESTART
                : OnChange.parse(p.watch.onChange);
      } catch (IllegalArgumentException e) {
        return failed(-32602, "watch.onChange " + e.getMessage());
      }
      String where = ServerAddress.endpoint(host, port);
      try {
        // The workspace is the project: its .tox-server/server.key says whether to use CURVE.
        address = clients.address(where, folder);
      } catch (KeyFileException e) {
        return failed(Errors.AUTH_FAILED, e.getMessage());
      }
      workspace = folder;
      endpoint = where;
      timeout = Duration.ofMillis((long) (seconds * 1000));
      toxArgs = p.toxArgs == null ? List.of() : List.copyOf(p.toxArgs);
      autoRun = p.autoRun == null || p.autoRun;
      initializing = true;
      if (p.processId != null) {
        watchEditor(p.processId);
      }
    }
    WatchSettings settings =
        new WatchSettings(
            workspace,
            p.watch == null || p.watch.include == null ? List.of() : p.watch.include,
            p.watch == null || p.watch.exclude == null ? List.of() : p.watch.exclude,
            p.watch == null || p.watch.debounceMs == null
                ? WatchSettings.DEFAULT_DEBOUNCE
                : Duration.ofMillis(p.watch.debounceMs),
            null);
    return CompletableFuture.supplyAsync(
        () -> {
          startThreads();
          try {
            watcher =
                ProjectWatcher.start(
                    settings,
                    new ProjectWatcher.Listener() {
                      @Override
                      public void changed(ChangeBatch batch) {
                        RpcSession.this.changed(batch);
                      }

                      @Override
                      public void failed(Exception error) {
                        log("warning", "Watching " + workspace + ": " + error.getMessage());
                      }
                    });
          } catch (IOException | IllegalArgumentException e) {
            log("error", "Not watching " + workspace + ": " + e.getMessage());
          }
          InitializeResult r = new InitializeResult();
          r.bridgeVersion = bridgeVersion;
          r.protocolVersion = Protocol.VERSION;
          r.serverReachable = monitor.start();
          r.serverWorkdir = monitor.workdir();
          synchronized (this) {
            initialized = true; // requests are taken once the editor has this answer
          }
          return r;
        });
  }

  private void startThreads() {
    monitor =
        new ServerMonitor(
            address,
            timeout,
            (up, message) -> {
              BridgeApi.ServerStatus s = new BridgeApi.ServerStatus();
              s.reachable = up;
              s.message = message;
              s.workdir = monitor.workdir();
              s.authFailed = monitor.authFailed() ? Boolean.TRUE : null;
              editor.serverStatus(s);
              if (!up) {
                log("warning", message);
              }
            });
    runner = new Thread(this::runLoop, "bridge-runner");
    runner.start();
    flusher = new Thread(this::flushLoop, "bridge-output");
    flusher.setDaemon(true);
    flusher.start();
  }

  @Override
  public CompletableFuture<RunResult> run(RunParams p) {
    CompletableFuture<RunResult> reply = new CompletableFuture<>();
    Job job;
    synchronized (this) {
      CompletableFuture<RunResult> refused = refuse();
      if (refused != null) {
        return refused;
      }
      if (monitor.authFailed()) {
        return failed(Errors.AUTH_FAILED, "The run was not started: " + monitor.message());
      }
      if (!monitor.reachable()) {
        return failed(
            Errors.SERVER_UNREACHABLE,
            "The tox-server at "
                + endpoint
                + " is not reachable; the run was not started. Start the server, or check the"
                + " host and port.");
      }
      List<String> args = p == null || p.args == null ? toxArgs : List.copyOf(p.args);
      job = new Job(nextRunId++, "manual", List.of(), args, reply);
    }
    queued(job); // before the runner can see it: runQueued always precedes runStarted
    enqueue(job);
    // lsp4j cancels the returned future on $/cancelRequest: that cancels the run on the server.
    reply.whenComplete(
        (r, error) -> {
          if (error instanceof CancellationException) {
            cancel(job);
          }
        });
    return reply;
  }

  @Override
  public CompletableFuture<CancelResult> cancel(CancelParams p) {
    Job target = null;
    synchronized (this) {
      CompletableFuture<CancelResult> refused = refuse();
      if (refused != null) {
        return refused;
      }
      Integer id = p == null ? null : p.runId;
      if (id == null || (current != null && current.runId == id)) {
        target = current;
      } else {
        for (Job j : pending) {
          if (j.runId == id) {
            target = j;
          }
        }
      }
    }
    CancelResult r = new CancelResult();
    r.cancelled = target != null && cancel(target);
    return CompletableFuture.completedFuture(r);
  }

  @Override
  public CompletableFuture<CancelAllResult> cancelAll(Empty p) {
    synchronized (this) {
      CompletableFuture<CancelAllResult> refused = refuse();
      if (refused != null) {
        return refused;
      }
    }
    return CompletableFuture.supplyAsync(
        () -> {
          // A client of its own: the runner's is busy with the run being cancelled.
          try (ToxServerClient client = address.connect()) {
            CancelAllResult r = new CancelAllResult();
            r.cancelled = client.cancelAll(timeout);
            return r;
          } catch (ServerUnreachableException e) {
            throw new ResponseErrorException(
                new ResponseError(Errors.SERVER_UNREACHABLE, e.getMessage(), null));
          } catch (ServerErrorException e) {
            throw new ResponseErrorException(
                new ResponseError(Errors.SERVER_ERROR, e.getMessage(), null));
          }
        });
  }

  @Override
  public CompletableFuture<StatusResult> setAutoRun(SetAutoRunParams p) {
    synchronized (this) {
      CompletableFuture<StatusResult> refused = refuse();
      if (refused != null) {
        return refused;
      }
      autoRun = p != null && p.enabled;
    }
    return status(null);
  }

  @Override
  public synchronized CompletableFuture<StatusResult> status(Empty p) {
    CompletableFuture<StatusResult> refused = refuse();
    if (refused != null) {
      return refused;
    }
    StatusResult s = new StatusResult();
    s.serverReachable = monitor.reachable();
    s.serverTasks = monitor.tasks();
    s.serverWorkdir = monitor.workdir();
    s.autoRun = autoRun;
    Job j = current != null ? current : pending.peek();
    if (j != null) {
      s.currentRun = new BridgeApi.CurrentRun();
      s.currentRun.runId = j.runId;
      s.currentRun.state = j == current ? "running" : "queued";
      s.currentRun.trigger = j.trigger;
    }
    return CompletableFuture.completedFuture(s);
  }

  @Override
  public CompletableFuture<Object> shutdown(Empty p) {
    synchronized (this) {
      if (!initialized) {
        return failed(Errors.NOT_INITIALIZED, "shutdown before initialize");
      }
      shutDown = true;
    }
    return CompletableFuture.supplyAsync(
        () -> {
          stop();
          return null;
        });
  }

  @Override
  public void exit() {
    end();
  }

  // ------------------------------------------------------------------ the queue

  /** The editor is gone (stdin closed, its process died): cancel our runs, stop, exit. */
  void editorGone(String why) {
    LOG.info(why + ": stopping");
    end();
  }

  /** Stops, and lets the process exit: 0 after shutdown, 1 without it (LSP's rule). */
  private void end() {
    boolean clean;
    synchronized (this) {
      clean = shutDown;
    }
    stop();
    exitCode = clean ? 0 : 1;
    finished.countDown();
  }

  /** Blocks until the session should end; returns the process exit code. */
  int awaitEnd() throws InterruptedException {
    finished.await();
    return exitCode;
  }

  private CompletableFuture<Void> editorWatch;

  private void watchEditor(long pid) {
    var handle = ProcessHandle.of(pid);
    if (handle.isEmpty()) {
      log("warning", "The editor's process " + pid + " is not running; not watching it.");
      return;
    }
    editorWatch =
        handle
            .get()
            .onExit()
            .thenAccept(h -> editorGone("The editor's process " + pid + " exited"));
  }

  private <T> CompletableFuture<T> refuse() {
    if (!initialized) {
      return failed(Errors.NOT_INITIALIZED, "initialize must be the first request");
    }
    if (shutDown) {
      return failed(Errors.SHUT_DOWN, "the bridge is shutting down");
    }
    return null;
  }

  private static <T> CompletableFuture<T> failed(int code, String message) {
    return CompletableFuture.failedFuture(
        new ResponseErrorException(new ResponseError(code, message, null)));
  }

  /** Files changed (the watcher's thread). */
  void changed(ChangeBatch batch) {
    List<String> files = new ArrayList<>();
    batch.files().forEach(f -> files.add(f.toString().replace('\\', '/')));
    Job queuedNow = null;
    Job toCancel = null;
    synchronized (this) {
      if (!autoRun || shutDown || closed) {
        return;
      }
      if (current != null && onChange == OnChange.IGNORE) {
        return;
      }
      Job merged = null;
      for (Job j : pending) {
        if (j.reply == null) {
          merged = j;
        }
      }
      if (merged != null) {
        merged.files.addAll(files); // it was announced already; it will run with these too
      } else {
        queuedNow = new Job(nextRunId++, "change", files, toxArgs, null);
      }
      if (current != null && onChange == OnChange.RESTART) {
        toCancel = current;
      }
    }
    if (queuedNow != null) {
      queued(queuedNow); // before the runner can see it: runQueued always precedes runStarted
      enqueue(queuedNow);
    }
    if (toCancel != null) {
      cancel(toCancel);
    }
  }

  /** Hands an announced job to the runner, unless it was cancelled or the session closed since. */
  private void enqueue(Job job) {
    boolean finishNow;
    synchronized (this) {
      boolean dropped = job.cancelled || closed;
      if (!dropped) {
        pending.add(job);
        notifyAll();
      }
      finishNow = dropped && !job.ended; // cancel() finished it already if it was cancelled
      job.ended |= dropped;
    }
    if (finishNow) {
      finishUnrun(job);
    }
  }

  /** A job cancelled before the runner took it: it never ran. */
  private void finishUnrun(Job job) {
    finishedRun(job, null, true, 0, null);
    if (job.reply != null) {
      job.reply.cancel(false);
    }
  }

  private void queued(Job job) {
    BridgeApi.RunQueued q = new BridgeApi.RunQueued();
    q.runId = job.runId;
    q.trigger = job.trigger;
    synchronized (this) {
      q.changedFiles = job.files.stream().limit(MAX_CHANGED_FILES).toList();
    }
    editor.runQueued(q);
  }

  /** Cancels a queued or running job; false if it had ended already. */
  private boolean cancel(Job job) {
    synchronized (this) {
      if (job.ended || job.cancelled) {
        return false;
      }
      job.cancelled = true;
      if (job.sent) {
        job.cancellation.cancel(); // the run ends with the server's reply, as usual
        return true;
      }
      pending.remove(job);
      job.ended = true;
    }
    finishUnrun(job);
    return true;
  }

  private void runLoop() {
    ToxServerClient client = address.connect();
    try {
      while (true) {
        Job job;
        synchronized (this) {
          while (pending.isEmpty() && !closed) {
            wait();
          }
          if (closed) {
            return;
          }
          job = pending.poll();
          current = job;
          job.sent = true;
        }
        try {
          client = execute(job, client);
        } catch (RuntimeException e) {
          log("error", "Run " + job.runId + " failed in the bridge: " + e);
          if (job.reply != null) {
            job.reply.completeExceptionally(e);
          }
        }
        synchronized (this) {
          current = null;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      client.close();
    }
  }

  /** Runs one job on the runner thread; returns the client to use next (a new one after a loss). */
  private ToxServerClient execute(Job job, ToxServerClient client) {
    long start = System.nanoTime();
    OutputCoalescer out =
        new OutputCoalescer(
            (stream, text) -> {
              BridgeApi.Output o = new BridgeApi.Output();
              o.runId = job.runId;
              o.stream = stream;
              o.text = text;
              editor.output(o);
            });
    boolean[] started = {false};
    Runnable startedOnce =
        () -> {
          if (!started[0]) {
            started[0] = true;
            BridgeApi.RunStarted s = new BridgeApi.RunStarted();
            s.runId = job.runId;
            editor.runStarted(s);
          }
        };
    synchronized (this) {
      output = out;
      notifyAll(); // the flusher
    }
    ClientListener listener =
        new ClientListener() {
          @Override
          public void output(Stream stream, byte[] data, int offset, int length) {
            startedOnce.run(); // a v1 server says nothing before the first output
            try {
              out.append(stream, data, offset, length);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }

          @Override
          public void heartbeat(String state) {
            if ("STARTED".equals(state)) {
              startedOnce.run();
            }
          }
        };
    Integer returncode = null;
    String error = null;
    ToxServerClient next = client;
    int errorCode = 0;
    try {
      if (monitor.authFailed()) {
        // Known already, and retrying cannot help: say why, as the monitor did.
        error = "The run was not started: " + monitor.message();
        errorCode = Errors.AUTH_FAILED;
      } else {
        if (!monitor.reachable()) {
          throw new ServerUnreachableException(endpoint, timeout, false);
        }
        returncode =
            client.run(job.args, timeout, timeout, listener, job.cancellation).returncode();
      }
    } catch (ServerUnreachableException e) {
      error = e.getMessage();
      errorCode =
          e instanceof dev.toxserver.client.AuthenticationException
              ? Errors.AUTH_FAILED
              : Errors.SERVER_UNREACHABLE;
      monitor.unreachable(e);
      client.close();
      next = address.connect(); // nothing of the lost connection may reach the next
    } catch (ServerErrorException e) {
      error = e.getMessage();
      errorCode = Errors.SERVER_ERROR;
    } finally {
      synchronized (this) {
        job.ended = true;
      }
    }
    out.finish();
    boolean cancelled;
    synchronized (this) {
      output = null;
      cancelled = job.cancelled;
    }
    if (cancelled && returncode == null) {
      error = null; // cancelled while queued on the server: not an error
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    finishedRun(job, returncode, cancelled, ms, error);
    if (job.reply != null) {
      if (returncode != null) {
        RunResult r = new RunResult();
        r.runId = job.runId;
        r.returncode = returncode;
        r.cancelled = cancelled;
        r.durationMs = ms;
        job.reply.complete(r);
      } else if (cancelled) {
        job.reply.cancel(false);
      } else {
        job.reply.completeExceptionally(
            new ResponseErrorException(new ResponseError(errorCode, error, null)));
      }
    }
    return next;
  }

  private void finishedRun(Job job, Integer returncode, boolean cancelled, long ms, String error) {
    BridgeApi.RunFinished f = new BridgeApi.RunFinished();
    f.runId = job.runId;
    f.returncode = returncode;
    f.cancelled = cancelled;
    f.durationMs = ms;
    f.error = error;
    editor.runFinished(f);
  }

  private void flushLoop() {
    try {
      while (true) {
        OutputCoalescer out;
        synchronized (this) {
          while (output == null && !closed) {
            wait(); // idle between runs: no wake-ups
          }
          if (closed) {
            return;
          }
          out = output;
        }
        out.flush(false);
        // A quarter period: a stream's text waits at most a little over one period.
        TimeUnit.NANOSECONDS.sleep(OutputCoalescer.PERIOD_NANOS / 4);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Cancels this bridge's runs, stops watching and the threads. Idempotent. */
  void stop() {
    List<Job> all;
    synchronized (this) {
      if (closed) {
        return;
      }
      all = new ArrayList<>(pending);
      if (current != null) {
        all.add(current);
      }
    }
    all.forEach(this::cancel);
    synchronized (this) {
      closed = true; // the runner takes nothing more; an idle one leaves at once
      notifyAll();
    }
    Thread r = runner;
    if (r != null) {
      try {
        r.join(1500); // the run in flight ends with the server's reply to the cancel
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (watcher != null) {
      watcher.close();
    }
    if (monitor != null) {
      monitor.close();
    }
    if (editorWatch != null) {
      editorWatch.cancel(false);
    }
  }

  /** Logs to stderr and tells the editor. */
  void log(String level, String message) {
    LOG.log(
        switch (level) {
          case "error" -> Level.SEVERE;
          case "warning" -> Level.WARNING;
          case "debug" -> Level.FINE;
          default -> Level.INFO;
        },
        message);
    if (editor != null) {
      BridgeApi.Log l = new BridgeApi.Log();
      l.level = level;
      l.message = message;
      editor.log(l);
    }
  }
}
