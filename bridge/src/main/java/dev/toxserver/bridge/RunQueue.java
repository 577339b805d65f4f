package dev.toxserver.bridge;

import dev.toxserver.schedule.ChangeList;
import dev.toxserver.schedule.OnChange;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Decides what runs next, one run at a time: a request while nothing runs starts a run; one while a
 * run is in flight restarts it, queues one more, or is ignored ({@link OnChange}). Requests that
 * wait are merged, so a burst of them makes one run. Thread-safe: the watcher, the keyboard and the
 * runner thread all call it.
 */
final class RunQueue {
  /** Why a run starts. */
  enum Why {
    /** {@code --run-on-start}. */
    START,
    /** Files changed. */
    CHANGE,
    /** The user asked (Enter). */
    MANUAL
  }

  /**
   * A request for a run.
   *
   * @param why what asked for it
   * @param files the changed files, relative to the watched directory (empty unless CHANGE)
   * @param since when the first of those changes happened (for latency measurements), or when the
   *     request was made
   */
  record Request(Why why, List<Path> files, Instant since) {
    Request {
      files = List.copyOf(files);
    }

    /** One request standing for both: the more specific reason, all files, the earlier time. */
    Request merge(Request later) {
      Set<Path> all = new TreeSet<>(files);
      all.addAll(later.files);
      Why w = why == Why.MANUAL || later.why == Why.MANUAL ? Why.MANUAL : later.why;
      if (w != Why.MANUAL && !all.isEmpty()) {
        w = Why.CHANGE;
      }
      Instant first = since.isBefore(later.since) ? since : later.since;
      return new Request(w, new ArrayList<>(all), first);
    }
  }

  private final OnChange onChange;
  private Request pending;
  private Consumer<String> cancelCurrent;
  private boolean closed;

  RunQueue(OnChange onChange) {
    this.onChange = onChange;
  }

  /** Asks for a run. From any thread. */
  synchronized void submit(Request request) {
    if (closed) {
      return;
    }
    if (cancelCurrent != null && request.why() == Why.CHANGE) {
      switch (onChange) {
        case IGNORE -> {
          return;
        }
        case RESTART -> cancelCurrent.accept(restartMessage(request));
        case QUEUE -> {}
      }
    } else if (cancelCurrent != null && request.why() == Why.MANUAL) {
      cancelCurrent.accept("Rerun requested: cancelling this run first.");
    }
    pending = pending == null ? request : pending.merge(request);
    notifyAll();
  }

  private static String restartMessage(Request r) {
    return "Files changed (" + ChangeList.describe(r.files()) + "): restarting.";
  }

  /**
   * Waits for the next request and marks a run as in flight; {@code cancel} is how a change cancels
   * it. Returns null once closed.
   */
  synchronized Request next(Consumer<String> cancel) throws InterruptedException {
    while (pending == null && !closed) {
      wait();
    }
    if (closed) {
      return null;
    }
    Request r = pending;
    pending = null;
    cancelCurrent = cancel;
    return r;
  }

  /** The run in flight has ended. */
  synchronized void finished() {
    cancelCurrent = null;
  }

  /** Whether a run is in flight. */
  synchronized boolean running() {
    return cancelCurrent != null;
  }

  /** No more runs: {@link #next} returns null from now on. */
  synchronized void close() {
    closed = true;
    notifyAll();
  }
}
