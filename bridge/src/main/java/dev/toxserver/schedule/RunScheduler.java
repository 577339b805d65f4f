package dev.toxserver.schedule;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Decides what runs next, one run at a time, for {@code bridge watch} and {@code bridge stdio}
 * alike.
 *
 * <ul>
 *   <li>A change while nothing runs queues a run; while a run is in flight, the {@link OnChange}
 *       policy restarts it (cancels it, then runs), queues one more run, or drops the change.
 *   <li>A manual run ({@link OnManual}) restarts the run in flight and joins the run that waits
 *       (the terminal's Enter), or waits behind the others as a run of its own (the editor's).
 *   <li>Requests that wait are merged: a change joins the last run that waits, unless that is a
 *       manual run of its own, so a burst of changes makes one run naming all files.
 *   <li>A run waiting or running can be cancelled; one cancelled while it waits ends at once.
 * </ul>
 *
 * <p>Thread-safe: the watcher, the keyboard, the editor's requests and the runner all call it. Runs
 * are numbered from 1. It has no thread: a {@link RunLoop} takes the runs.
 */
public final class RunScheduler {
  private final OnChange onChange;
  private final OnManual onManual;
  private final List<String> defaultArgs;
  private final RunListener listener;

  // Guarded by this.
  private final Deque<QueuedRun> waiting = new ArrayDeque<>();
  private QueuedRun running;
  private int nextId = 1;
  private boolean autoRun = true;
  private boolean closed;

  /**
   * @param defaultArgs tox's arguments for every run that does not bring its own
   */
  public RunScheduler(
      OnChange onChange, OnManual onManual, List<String> defaultArgs, RunListener listener) {
    this.onChange = onChange;
    this.onManual = onManual;
    this.defaultArgs = List.copyOf(defaultArgs);
    this.listener = listener;
  }

  /**
   * Files changed. Returns the run that will cover them (new, or one that waits already), or null
   * when the change is dropped: {@link OnChange#IGNORE} during a run, automatic runs off, closed.
   */
  public QueuedRun changed(List<Path> files) {
    Runnable cancelling = null;
    QueuedRun run;
    synchronized (this) {
      if (closed || !autoRun || (running != null && onChange == OnChange.IGNORE)) {
        return null;
      }
      if (running != null && onChange == OnChange.RESTART) {
        cancelling =
            running.cancel("Files changed (" + ChangeList.describe(files) + "): restarting.");
      }
      run = join(Trigger.CHANGE, files);
    }
    run(cancelling);
    return run;
  }

  /**
   * A run asked for by hand, with {@code args} (null: the default ones). Under {@link
   * OnManual#RESTART} it restarts the run in flight and joins the run that waits, whose arguments
   * it keeps. Once closed, the run ends at once, cancelled.
   */
  public QueuedRun manual(List<String> args) {
    Runnable cancelling = null;
    boolean endedNow = false;
    QueuedRun run;
    synchronized (this) {
      if (closed || onManual == OnManual.QUEUE) {
        run = new QueuedRun(nextId++, Trigger.MANUAL, List.of(), orDefault(args), true);
        if (closed) {
          listener.queued(run);
          run.cancel("Closed.");
          end(run, RunOutcome.cancelledWhileWaiting());
          endedNow = true;
        } else {
          add(run);
        }
      } else {
        if (running != null) {
          cancelling = running.cancel("Rerun requested: cancelling this run first.");
        }
        run = join(Trigger.MANUAL, List.of());
      }
    }
    run(cancelling);
    if (endedNow) {
      run.complete(RunOutcome.cancelledWhileWaiting());
    }
    return run;
  }

  /** The first run, before any change; null once closed. */
  public synchronized QueuedRun first() {
    return closed ? null : join(Trigger.START, List.of());
  }

  private List<String> orDefault(List<String> args) {
    return args == null ? defaultArgs : args;
  }

  /**
   * Merges a request into the last run that waits and takes others in (any but a manual run of its
   * own), or else queues a new run.
   */
  private QueuedRun join(Trigger trigger, List<Path> files) {
    QueuedRun into = null;
    for (QueuedRun w : waiting) {
      if (!w.ownRun()) {
        into = w;
      }
    }
    if (into != null) {
      into.merge(trigger, files);
      return into;
    }
    QueuedRun run = new QueuedRun(nextId++, trigger, files, defaultArgs, false);
    add(run);
    return run;
  }

  private void add(QueuedRun run) {
    waiting.add(run);
    listener.queued(run);
    notifyAll();
  }

  /**
   * Cancels run {@code id}, or the run in flight when {@code id} is null. Returns false when there
   * is no such run, it has ended, or it was cancelled already.
   */
  public boolean cancel(Integer id) {
    QueuedRun target = null;
    synchronized (this) {
      if (id == null || (running != null && running.id() == id)) {
        target = running;
      } else {
        for (QueuedRun w : waiting) {
          if (w.id() == id) {
            target = w;
          }
        }
      }
    }
    return target != null && cancel(target);
  }

  /** Cancels {@code run}; false when it has ended or was cancelled already. */
  public boolean cancel(QueuedRun run) {
    Runnable cancelling;
    boolean endedNow;
    synchronized (this) {
      if (run.phase() == QueuedRun.Phase.ENDED || run.cancelled()) {
        return false;
      }
      cancelling = run.cancel("Cancelled.");
      endedNow = waiting.remove(run);
      if (endedNow) {
        end(run, RunOutcome.cancelledWhileWaiting());
      }
    }
    run(cancelling);
    if (endedNow) {
      run.complete(RunOutcome.cancelledWhileWaiting());
    }
    return true;
  }

  /** Turns runs after changes on or off. */
  public synchronized void setAutoRun(boolean enabled) {
    autoRun = enabled;
  }

  public synchronized boolean autoRun() {
    return autoRun;
  }

  /** The run in flight, or else the next to run; null when there is none. */
  public synchronized QueuedRun runningOrNext() {
    return running != null ? running : waiting.peek();
  }

  /**
   * For the runner: the next run, now running; null when none waits, or once closed. Throws while
   * another run is in flight: runs go one at a time.
   */
  public synchronized QueuedRun take() {
    if (running != null) {
      throw new IllegalStateException(running + " has not finished");
    }
    if (closed || waiting.isEmpty()) {
      return null;
    }
    running = waiting.poll();
    running.start();
    return running;
  }

  /** As {@link #take}, waiting for a run; null once closed. */
  public synchronized QueuedRun next() throws InterruptedException {
    while (waiting.isEmpty() && !closed) {
      wait();
    }
    return take();
  }

  /** For the runner: the run it took has ended. */
  public void finished(QueuedRun run, RunOutcome outcome) {
    synchronized (this) {
      if (run != running) {
        throw new IllegalStateException(run + " is not the run in flight");
      }
      running = null;
      end(run, outcome);
    }
    run.complete(outcome);
  }

  private void end(QueuedRun run, RunOutcome outcome) {
    run.end();
    listener.finished(run, outcome);
  }

  /**
   * No more runs: the runs that wait end cancelled, the run in flight is cancelled with {@code
   * reason} (it ends with the server's reply), and {@link #next} returns null from now on.
   */
  public void close(String reason) {
    List<QueuedRun> dropped;
    Runnable cancelling = null;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      dropped = new ArrayList<>(waiting);
      waiting.clear();
      for (QueuedRun w : dropped) {
        w.cancel(reason);
        end(w, RunOutcome.cancelledWhileWaiting());
      }
      if (running != null && !running.cancelled()) {
        cancelling = running.cancel(reason);
      }
      notifyAll();
    }
    run(cancelling);
    dropped.forEach(w -> w.complete(RunOutcome.cancelledWhileWaiting()));
  }

  /** Runs a cancel hook, outside the lock: it may write to a terminal or wake a socket. */
  private static void run(Runnable cancelling) {
    if (cancelling != null) {
      cancelling.run();
    }
  }
}
