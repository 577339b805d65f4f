package dev.toxserver.rpc;

import dev.toxserver.client.ServerErrorException;
import dev.toxserver.client.ServerUnreachableException;
import dev.toxserver.client.ToxServerClient;
import dev.toxserver.protocol.Protocol;
import dev.toxserver.rpc.BridgeApi.CancelAllResult;
import dev.toxserver.rpc.BridgeApi.CancelParams;
import dev.toxserver.rpc.BridgeApi.CancelResult;
import dev.toxserver.rpc.BridgeApi.Empty;
import dev.toxserver.rpc.BridgeApi.Errors;
import dev.toxserver.rpc.BridgeApi.InitializeParams;
import dev.toxserver.rpc.BridgeApi.InitializeResult;
import dev.toxserver.rpc.BridgeApi.RunParams;
import dev.toxserver.rpc.BridgeApi.RunResult;
import dev.toxserver.rpc.BridgeApi.SetAutoRunParams;
import dev.toxserver.rpc.BridgeApi.StatusResult;
import dev.toxserver.schedule.QueuedRun;
import dev.toxserver.schedule.RunOutcome;
import dev.toxserver.schedule.RunScheduler;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;

/**
 * The {@link BridgeApi.Bridge} requests of one editor, and the session's life: {@code initialize}
 * starts a {@link SessionRuns} (scheduler, runner, monitor, watcher, output), the other requests
 * use it, and the session ends with {@code exit}, or when the editor goes away.
 *
 * <p>lsp4j's reader calls the request methods, which never block. The session's own state is
 * guarded by {@code this}.
 */
final class RpcSession implements BridgeApi.Bridge {
  private static final Logger LOG = Logger.getLogger("bridge");

  private final SessionSettings.Defaults defaults;
  private final String bridgeVersion;
  private final EditorLog log = new EditorLog();
  private final CountDownLatch finished = new CountDownLatch(1);
  private BridgeApi.Editor editor;
  private volatile int exitCode = -1;

  // Guarded by this.
  private boolean initializing;
  private boolean initialized;
  private boolean shutDown;
  private boolean stopped;
  private SessionRuns runs;
  private EditorProcessWatch editorWatch;

  RpcSession(SessionSettings.Defaults defaults, String bridgeVersion) {
    this.defaults = defaults;
    this.bridgeVersion = bridgeVersion;
  }

  /** The editor's side of the connection, once lsp4j made it. */
  void connect(BridgeApi.Editor editor) {
    this.editor = editor;
    log.connect(editor);
  }

  @Override
  public CompletableFuture<InitializeResult> initialize(InitializeParams p) {
    SessionSettings settings;
    synchronized (this) {
      if (initializing) {
        return failed(-32600, "initialize was already called");
      }
      try {
        settings = SessionSettings.of(p, defaults);
      } catch (ResponseErrorException e) {
        return CompletableFuture.failedFuture(e); // as if it never came: initialize may follow
      } catch (RuntimeException e) {
        return failed(-32602, "initialize: " + e.getMessage());
      }
      initializing = true;
      if (p.processId != null) {
        editorWatch = EditorProcessWatch.start(p.processId, this::editorGone, log);
      }
    }
    return CompletableFuture.supplyAsync(
        () -> {
          SessionRuns started;
          synchronized (this) {
            if (stopped) {
              throw new ResponseErrorException(
                  new ResponseError(Errors.SHUT_DOWN, "the bridge is stopping", null));
            }
            started = new SessionRuns(settings, editor, log);
            runs = started;
          }
          InitializeResult r = new InitializeResult();
          r.bridgeVersion = bridgeVersion;
          r.protocolVersion = Protocol.VERSION;
          r.serverReachable = started.start();
          r.serverWorkdir = started.monitor().workdir();
          synchronized (this) {
            initialized = true; // requests are taken once the editor has this answer
          }
          return r;
        });
  }

  @Override
  public CompletableFuture<RunResult> run(RunParams p) {
    RunScheduler scheduler;
    QueuedRun run;
    synchronized (this) {
      CompletableFuture<RunResult> refused = refuse();
      if (refused != null) {
        return refused;
      }
      ServerMonitor monitor = runs.monitor();
      if (monitor.authFailed()) {
        return failed(Errors.AUTH_FAILED, "The run was not started: " + monitor.message());
      }
      if (!monitor.reachable()) {
        return failed(
            Errors.SERVER_UNREACHABLE,
            "The tox-server at "
                + runs.settings().endpoint()
                + " is not reachable; the run was not started. Start the server, or check the"
                + " host and port.");
      }
      scheduler = runs.scheduler();
      run = scheduler.manual(p == null || p.args == null ? null : List.copyOf(p.args));
    }
    CompletableFuture<RunResult> reply = new CompletableFuture<>();
    run.ended().whenComplete((outcome, error) -> answer(reply, run, outcome));
    // lsp4j cancels the reply on $/cancelRequest: that cancels the run on the server.
    reply.whenComplete(
        (r, error) -> {
          if (error instanceof CancellationException) {
            scheduler.cancel(run);
          }
        });
    return reply;
  }

  /**
   * A run request's answer: the result, cancelled (-32800), or the error that kept it from ending.
   */
  private static void answer(
      CompletableFuture<RunResult> reply, QueuedRun run, RunOutcome outcome) {
    if (outcome.returncode() != null) {
      RunResult r = new RunResult();
      r.runId = run.id();
      r.returncode = outcome.returncode();
      r.cancelled = outcome.cancelled();
      r.durationMs = outcome.durationMs();
      reply.complete(r);
    } else if (outcome.cancelled()) {
      reply.cancel(false);
    } else {
      int code =
          switch (outcome.fault()) {
            case UNREACHABLE -> Errors.SERVER_UNREACHABLE;
            case AUTH_FAILED -> Errors.AUTH_FAILED;
            case REFUSED -> Errors.SERVER_ERROR;
            case NONE, BRIDGE -> -32603; // JSON-RPC's internal error
          };
      reply.completeExceptionally(
          new ResponseErrorException(new ResponseError(code, outcome.error(), null)));
    }
  }

  @Override
  public CompletableFuture<CancelResult> cancel(CancelParams p) {
    RunScheduler scheduler;
    synchronized (this) {
      CompletableFuture<CancelResult> refused = refuse();
      if (refused != null) {
        return refused;
      }
      scheduler = runs.scheduler();
    }
    CancelResult r = new CancelResult();
    r.cancelled = scheduler.cancel(p == null ? null : p.runId);
    return CompletableFuture.completedFuture(r);
  }

  @Override
  public CompletableFuture<CancelAllResult> cancelAll(Empty p) {
    SessionSettings settings;
    synchronized (this) {
      CompletableFuture<CancelAllResult> refused = refuse();
      if (refused != null) {
        return refused;
      }
      settings = runs.settings();
    }
    return CompletableFuture.supplyAsync(
        () -> {
          // A client of its own: the runner's is busy with the run being cancelled.
          try (ToxServerClient client = settings.address().connect()) {
            CancelAllResult r = new CancelAllResult();
            r.cancelled = client.cancelAll(settings.timeout());
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
      runs.scheduler().setAutoRun(p != null && p.enabled);
    }
    return status(null);
  }

  @Override
  public synchronized CompletableFuture<StatusResult> status(Empty p) {
    CompletableFuture<StatusResult> refused = refuse();
    if (refused != null) {
      return refused;
    }
    ServerMonitor monitor = runs.monitor();
    StatusResult s = new StatusResult();
    s.serverReachable = monitor.reachable();
    s.serverTasks = monitor.tasks();
    s.serverWorkdir = monitor.workdir();
    s.autoRun = runs.scheduler().autoRun();
    QueuedRun run = runs.scheduler().runningOrNext();
    if (run != null) {
      s.currentRun = new BridgeApi.CurrentRun();
      s.currentRun.runId = run.id();
      s.currentRun.state = run.phase() == QueuedRun.Phase.RUNNING ? "running" : "queued";
      s.currentRun.trigger = EditorRunner.trigger(run);
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
      runs.scheduler().close("The bridge is shutting down."); // no run starts from now on
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
    log.close();
    exitCode = clean ? 0 : 1;
    finished.countDown();
  }

  /** Blocks until the session should end; returns the process exit code. */
  int awaitEnd() throws InterruptedException {
    finished.await();
    return exitCode;
  }

  /** Cancels this bridge's runs, stops watching and every thread of the session. Idempotent. */
  void stop() {
    SessionRuns session;
    EditorProcessWatch watch;
    synchronized (this) {
      if (stopped) {
        return;
      }
      stopped = true;
      session = runs;
      watch = editorWatch;
    }
    if (session != null) {
      session.close();
    }
    if (watch != null) {
      watch.close();
    }
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
    return CompletableFuture.failedFuture(SessionSettings.error(code, message));
  }
}
