package dev.toxserver.rpc;

import dev.toxserver.client.AuthenticationException;
import dev.toxserver.client.Cancellation;
import dev.toxserver.client.ClientListener;
import dev.toxserver.client.FinishedRun;
import dev.toxserver.client.ServerErrorException;
import dev.toxserver.client.ServerUnreachableException;
import dev.toxserver.client.ToxServerClient;
import dev.toxserver.protocol.Stream;
import dev.toxserver.schedule.QueuedRun;
import dev.toxserver.schedule.RunExecutor;
import dev.toxserver.schedule.RunListener;
import dev.toxserver.schedule.RunOutcome;
import dev.toxserver.schedule.RunOutcome.Fault;
import dev.toxserver.schedule.Trigger;
import java.time.Duration;

/**
 * The runs as the editor sees them: announced ({@code runQueued}), run on the server with their
 * output streamed ({@code runStarted}, {@code output}), and reported ({@code runFinished}). As the
 * {@link RunListener} it is called by the scheduler; as the {@link RunExecutor}, on the runner's
 * thread.
 */
final class EditorRunner implements RunExecutor, RunListener {
  /** At most this many changed files are named in a {@code runQueued} notification. */
  static final int MAX_CHANGED_FILES = 50;

  private final BridgeApi.Editor editor;
  private final ServerMonitor monitor;
  private final OutputFlusher flusher;
  private final EditorLog log;
  private final String endpoint;
  private final Duration timeout;

  EditorRunner(
      BridgeApi.Editor editor,
      ServerMonitor monitor,
      OutputFlusher flusher,
      EditorLog log,
      String endpoint,
      Duration timeout) {
    this.editor = editor;
    this.monitor = monitor;
    this.flusher = flusher;
    this.log = log;
    this.endpoint = endpoint;
    this.timeout = timeout;
  }

  /** How the API names a run's trigger. */
  static String trigger(QueuedRun run) {
    return run.trigger() == Trigger.CHANGE ? "change" : "manual";
  }

  @Override
  public void queued(QueuedRun run) {
    BridgeApi.RunQueued q = new BridgeApi.RunQueued();
    q.runId = run.id();
    q.trigger = trigger(run);
    q.changedFiles =
        run.files().stream()
            .limit(MAX_CHANGED_FILES)
            .map(f -> f.toString().replace('\\', '/'))
            .toList();
    editor.runQueued(q);
  }

  @Override
  public void finished(QueuedRun run, RunOutcome outcome) {
    if (outcome.fault() == Fault.BRIDGE) {
      log.log("error", outcome.error());
    }
    BridgeApi.RunFinished f = new BridgeApi.RunFinished();
    f.runId = run.id();
    f.returncode = outcome.returncode();
    f.cancelled = outcome.cancelled();
    f.durationMs = outcome.durationMs();
    f.error = outcome.error();
    editor.runFinished(f);
  }

  @Override
  public RunOutcome execute(QueuedRun run, ToxServerClient client) {
    long start = System.nanoTime();
    Cancellation cancellation = new Cancellation(); // the run's own: it cannot reach the next
    run.onCancel(why -> cancellation.cancel());
    OutputCoalescer out =
        flusher.begin(
            (stream, text) -> {
              BridgeApi.Output o = new BridgeApi.Output();
              o.runId = run.id();
              o.stream = stream;
              o.text = text;
              editor.output(o);
            });
    Integer returncode = null;
    boolean serverCancelled = false;
    String error = null;
    Fault fault = Fault.NONE;
    try {
      if (monitor.authFailed()) {
        // Known already, and retrying cannot help: say why, as the monitor did.
        error = "The run was not started: " + monitor.message();
        fault = Fault.AUTH_FAILED;
      } else {
        if (!monitor.reachable()) {
          throw new ServerUnreachableException(endpoint, timeout, false);
        }
        FinishedRun result =
            client.run(run.args(), timeout, timeout, output(run, out), cancellation);
        returncode = result.returncode();
        serverCancelled = result.cancelled(); // e.g. by `bridge cancel` from elsewhere
      }
    } catch (ServerUnreachableException e) {
      error = e.getMessage();
      fault = e instanceof AuthenticationException ? Fault.AUTH_FAILED : Fault.UNREACHABLE;
      monitor.unreachable(e);
    } catch (ServerErrorException e) {
      error = e.getMessage();
      fault = Fault.REFUSED;
    }
    flusher.end(out);
    boolean cancelled = run.cancelled() || serverCancelled;
    long ms = (System.nanoTime() - start) / 1_000_000;
    if (returncode != null) {
      return RunOutcome.ran(returncode, cancelled, ms);
    }
    // Cancelled while queued on the server, or while it went away: not an error.
    return RunOutcome.failed(fault, cancelled ? null : error, cancelled, ms);
  }

  /** The run's output into {@code out}; {@code runStarted} once the server has started it. */
  private ClientListener output(QueuedRun run, OutputCoalescer out) {
    return new ClientListener() {
      private boolean started;

      private void startedOnce() {
        if (!started) {
          started = true;
          BridgeApi.RunStarted s = new BridgeApi.RunStarted();
          s.runId = run.id();
          editor.runStarted(s);
        }
      }

      @Override
      public void output(Stream stream, byte[] data, int offset, int length) {
        startedOnce(); // a v1 server says nothing before the first output
        try {
          out.append(stream, data, offset, length);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }

      @Override
      public void heartbeat(String state) {
        if ("STARTED".equals(state)) {
          startedOnce();
        }
      }
    };
  }
}
