package dev.toxserver.watch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The watcher's own thread: collects the paths that events name (or that a poll finds) until the
 * tree has been quiet for the debounce period, asks the {@link ContentIndex} which files really
 * changed, and hands them to the listener as one batch. Errors reach the listener too.
 *
 * <p>Debouncing is trailing-edge: a burst is delivered once no new change has arrived for {@link
 * WatchSettings#debounce()}, or once it has been held back for {@link WatchSettings#maxDelay()},
 * whichever comes first.
 */
final class BatchLoop {
  private static final Logger LOG = Logger.getLogger(BatchLoop.class.getName());

  /** How many queued signals to handle before looking at the clock again. */
  private static final int DRAIN_LIMIT = 1_000;

  /** What the event source tells the loop. */
  sealed interface Signal {
    /** Something happened at {@code path}; {@code nanos} is {@link System#nanoTime()} then. */
    record Changed(String path, Instant at, long nanos) implements Signal {}

    /** Events were lost (the operating system's queue overflowed): compare the whole tree. */
    record Overflowed(Instant at, long nanos) implements Signal {}

    /** An error that watching survives. */
    record Failed(Exception error) implements Signal {}

    /** The event source stopped by itself; {@code cause} may be null. */
    record Ended(Path root, Throwable cause) implements Signal {}
  }

  /** When the watcher first and last heard of a change at one path in this burst. */
  private record Span(Instant first, Instant last) {
    Span then(Instant at) {
      return new Span(first, at);
    }
  }

  private final WatchSettings settings;
  private final ProjectWatcher.Listener listener;
  private final BlockingQueue<Signal> inbox = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final long debounceNanos;
  private final long maxDelayNanos;
  private final long pollNanos;

  private ContentIndex index;
  private volatile boolean stopping;
  private volatile boolean ended;

  // The burst being collected (batch thread only).
  private Map<String, Span> pending = new LinkedHashMap<>();
  private long burstStart;
  private long lastChange;

  /** When polling: the stat each pending path had at the scan that last saw it change. */
  private final Map<String, ContentIndex.FileStamp> pendingStats = new HashMap<>();

  BatchLoop(WatchSettings settings, ProjectWatcher.Listener listener) {
    this.settings = settings;
    this.listener = Objects.requireNonNull(listener, "listener");
    this.debounceNanos = settings.debounce().toNanos();
    this.maxDelayNanos = settings.maxDelay().toNanos();
    this.pollNanos = settings.polling() ? settings.pollInterval().toNanos() : 0;
    this.thread = new Thread(this::run, "project-watcher");
    this.thread.setDaemon(true);
  }

  /** Takes a signal from the event source (any thread). Signals wait until {@link #start}. */
  void offer(Signal signal) {
    inbox.add(signal);
  }

  void start(ContentIndex baseline) {
    this.index = baseline;
    thread.start();
  }

  /** Tells the thread to end; {@link #thread()} to wait for it. */
  void requestStop() {
    stopping = true;
    thread.interrupt();
  }

  /** Whether the loop ended by itself (a failure that stops watching). */
  boolean ended() {
    return ended;
  }

  Thread thread() {
    return thread;
  }

  private void run() {
    long nextScan = System.nanoTime() + pollNanos;
    try {
      while (!stopping) {
        long now = System.nanoTime();
        long wait = Long.MAX_VALUE;
        if (!pending.isEmpty()) {
          wait = Math.min(lastChange + debounceNanos, burstStart + maxDelayNanos) - now;
        }
        if (pollNanos > 0) {
          wait = Math.min(wait, nextScan - now);
        }
        Signal signal =
            wait == Long.MAX_VALUE
                ? inbox.take()
                : inbox.poll(Math.max(0, wait), TimeUnit.NANOSECONDS);
        // Take what has queued up, but not forever: a flood of events must not hold back the
        // delivery that maxDelay promises.
        for (int taken = 0; signal != null; signal = ++taken < DRAIN_LIMIT ? inbox.poll() : null) {
          if (!handle(signal)) {
            return;
          }
        }
        now = System.nanoTime();
        if (pollNanos > 0 && now - nextScan >= 0) {
          if (!poll(now)) {
            return;
          }
          nextScan = now + pollNanos;
        }
        if (!pending.isEmpty()
            && (now - (lastChange + debounceNanos) >= 0
                || now - (burstStart + maxDelayNanos) >= 0)) {
          deliver();
        }
      }
    } catch (InterruptedException e) {
      // requestStop() was called
    } catch (RuntimeException | Error e) {
      end(new IOException("Watching " + settings.root() + " stopped: " + e, e));
    }
  }

  /** Watching is over: say why, unless it was asked to stop. */
  private void end(Exception why) {
    ended = true; // before the listener hears of it, so that isWatching() is already false
    if (!stopping) {
      report(why);
    }
  }

  /** Handles one signal; false when watching has ended. */
  private boolean handle(Signal signal) {
    if (signal instanceof Signal.Changed c) {
      note(c.path(), c.at(), c.nanos());
    } else if (signal instanceof Signal.Overflowed o) {
      try {
        for (String path : index.scan().keySet()) {
          note(path, o.at(), o.nanos());
        }
      } catch (IOException e) {
        report(e);
      }
    } else if (signal instanceof Signal.Failed f) {
      report(f.error());
    } else if (signal instanceof Signal.Ended e) {
      end(endedError(e));
      return false;
    }
    return true;
  }

  private void note(String path, Instant at, long nanos) {
    if (pending.isEmpty()) {
      burstStart = nanos;
    }
    lastChange = nanos;
    pending.merge(path, new Span(at, at), (before, now) -> before.then(at));
  }

  /**
   * Compares the tree with the index; a path counts as news if it changed since the last scan.
   * False if the root is gone.
   */
  private boolean poll(long nanos) {
    if (!Files.isDirectory(settings.root())) {
      end(rootGone(settings.root()));
      return false;
    }
    Map<String, ContentIndex.FileStamp> differences;
    try {
      differences = index.scan();
    } catch (IOException e) {
      report(e);
      return true;
    }
    Instant at = Instant.now();
    for (Map.Entry<String, ContentIndex.FileStamp> difference : differences.entrySet()) {
      String path = difference.getKey();
      ContentIndex.FileStamp stat = difference.getValue();
      if (!pending.containsKey(path) || !Objects.equals(pendingStats.get(path), stat)) {
        pendingStats.put(path, stat);
        note(path, at, nanos);
      }
    }
    return true;
  }

  private void deliver() {
    Map<String, Span> burst = pending;
    pending = new LinkedHashMap<>();
    pendingStats.clear();
    SortedMap<String, String> changed = index.settle(burst.keySet());
    if (changed.isEmpty()) {
      return;
    }
    List<Path> files = new ArrayList<>(changed.size());
    Instant first = null;
    Instant last = null;
    for (Map.Entry<String, String> change : changed.entrySet()) {
      files.add(Path.of(change.getKey()));
      Span span = burst.get(change.getValue());
      if (first == null || span.first().isBefore(first)) {
        first = span.first();
      }
      if (last == null || span.last().isAfter(last)) {
        last = span.last();
      }
    }
    ChangeBatch batch = new ChangeBatch(files, first, last);
    try {
      listener.changed(batch);
    } catch (RuntimeException e) {
      report(e);
    }
  }

  private void report(Exception error) {
    try {
      listener.failed(error);
    } catch (RuntimeException e) {
      e.addSuppressed(error);
      LOG.log(Level.SEVERE, "The watch listener failed to handle an error", e);
    }
  }

  private static WatchRootException rootGone(Path root) {
    return new WatchRootException(
        "Stopped watching " + root + ": it was deleted or is no longer a directory");
  }

  private static Exception endedError(Signal.Ended ended) {
    Path root = ended.root();
    if (!Files.isDirectory(root)) {
      return rootGone(root);
    }
    Throwable cause = ended.cause();
    IOException error =
        new IOException(
            "Stopped watching "
                + root
                + ": the event source ended"
                + (cause == null ? "" : ": " + cause));
    if (cause != null) {
      error.initCause(cause);
    }
    return error;
  }
}
