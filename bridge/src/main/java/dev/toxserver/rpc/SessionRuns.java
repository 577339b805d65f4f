package dev.toxserver.rpc;

import dev.toxserver.schedule.OnManual;
import dev.toxserver.schedule.RunLoop;
import dev.toxserver.schedule.RunScheduler;
import dev.toxserver.watch.ChangeBatch;
import dev.toxserver.watch.ProjectWatcher;
import java.io.IOException;

/**
 * What works for an editor once it has initialized: the {@link RunScheduler} of its runs (editor
 * runs queue), the runner thread that takes them (a {@link RunLoop} over an {@link EditorRunner}),
 * the {@link ServerMonitor}, the watcher of the workspace, and the {@link OutputFlusher}. {@link
 * #close} stops them all.
 */
final class SessionRuns implements AutoCloseable {
  private final SessionSettings settings;
  private final BridgeApi.Editor editor;
  private final EditorLog log;
  private final ServerMonitor monitor;
  private final OutputFlusher flusher = new OutputFlusher();
  private final RunScheduler scheduler;
  private final RunLoop loop;
  private final Thread runner;
  private ProjectWatcher watcher; // guarded by this
  private boolean closed; // guarded by this

  SessionRuns(SessionSettings settings, BridgeApi.Editor editor, EditorLog log) {
    this.settings = settings;
    this.editor = editor;
    this.log = log;
    this.monitor = new ServerMonitor(settings.address(), settings.timeout(), this::serverChanged);
    EditorRunner runs =
        new EditorRunner(editor, monitor, flusher, log, settings.endpoint(), settings.timeout());
    this.scheduler =
        new RunScheduler(settings.onChange(), OnManual.QUEUE, settings.toxArgs(), runs);
    scheduler.setAutoRun(settings.autoRun());
    this.loop = new RunLoop(scheduler, settings.address());
    this.runner =
        new Thread(
            () -> {
              try (loop) {
                loop.run(runs);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "bridge-runner");
  }

  /**
   * Starts the runner, watching and the monitor; returns whether the server answered a first PING
   * (within a second: the editor waits for this).
   */
  synchronized boolean start() {
    if (closed) {
      return false;
    }
    runner.start();
    try {
      watcher =
          ProjectWatcher.start(
              settings.watch(),
              new ProjectWatcher.Listener() {
                @Override
                public void changed(ChangeBatch batch) {
                  scheduler.changed(batch.files());
                }

                @Override
                public void failed(Exception error) {
                  log.log(
                      "warning", "Watching " + settings.workspace() + ": " + error.getMessage());
                }
              });
    } catch (IOException | IllegalArgumentException e) {
      log.log("error", "Not watching " + settings.workspace() + ": " + e.getMessage());
    }
    return monitor.start();
  }

  /** The monitor saw the server go away or come back (its thread). */
  private void serverChanged(boolean up, String message) {
    BridgeApi.ServerStatus s = new BridgeApi.ServerStatus();
    s.reachable = up;
    s.message = message;
    s.workdir = monitor.workdir();
    s.authFailed = monitor.authFailed() ? Boolean.TRUE : null;
    editor.serverStatus(s);
    if (!up) {
      log.log("warning", message);
      loop.serverLost();
    }
  }

  SessionSettings settings() {
    return settings;
  }

  RunScheduler scheduler() {
    return scheduler;
  }

  ServerMonitor monitor() {
    return monitor;
  }

  /** Cancels the runs, waits briefly for the one in flight to end, and stops every thread. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true; // start() cannot have begun: it is synchronized too, and returns first
    }
    scheduler.close("The bridge is stopping.");
    try {
      runner.join(1500); // the run in flight ends with the server's reply to the cancel
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      if (watcher != null) {
        watcher.close();
      }
    }
    monitor.close();
    flusher.close();
  }
}
