package dev.toxserver.process;

import dev.toxserver.protocol.Protocol;
import dev.toxserver.protocol.Stream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One child process and the threads that serve it: a pump per output stream and a supervisor that
 * waits for the exit, ends leftovers and reports the result.
 *
 * <p>The command runs without a shell (argv straight to the OS) in a session of its own when {@code
 * setsid} is available, so that cancelling ends the whole tree — tox, pytest, its workers, and
 * anything they daemonised — with SIGTERM, then SIGKILL after the grace period.
 */
public final class CommandRun {
  private static final Logger LOG = Logger.getLogger("tox-server");
  private static final Optional<Path> SETSID = Executables.onPath("setsid");

  /** How long output may keep coming after the exit before we look for who holds the pipes. */
  private static final long DRAIN_MILLIS = 50;

  /** Environment every run gets unless the server's environment already sets it. */
  static final Map<String, String> DEFAULT_ENV =
      Map.of("PY_COLORS", "1", "FORCE_COLOR", "1", "PYTHONUNBUFFERED", "1");

  private final String name;
  private final Process process;
  private final Duration grace;
  private final CompletableFuture<Integer> result = new CompletableFuture<>();
  private final CompletableFuture<Void> treeGone = new CompletableFuture<>();
  private final AtomicBoolean sweepStarted = new AtomicBoolean();
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final CompletableFuture<Void> cancelDone = new CompletableFuture<>();
  private final Pump stdout;
  private final Pump stderr;

  private final Executor threads;

  /** The command's stdout and stderr pipes ({@link ProcessTree#outputPipes}); set once at start. */
  private volatile Set<String> outputPipes = Set.of();

  private CommandRun(
      String name, Process process, Duration grace, OutputSink sink, Executor threads) {
    this.name = name;
    this.threads = threads;
    this.process = process;
    this.grace = grace;
    this.stdout = new Pump(Stream.STDOUT, process.getInputStream(), sink);
    this.stderr = new Pump(Stream.STDERR, process.getErrorStream(), sink);
  }

  /**
   * Starts {@code argv} in {@code workdir}; output goes to {@code sink} from the pump threads.
   *
   * @param argv the resolved executable and its arguments, passed to the OS as they are
   * @param threads runs the pumps, the supervisor and the killer; it must start each task at once
   *     (a cached pool: reusing threads keeps thread creation off every run's start)
   * @throws IOException when the OS cannot start it
   */
  public static CommandRun start(
      String name,
      List<String> argv,
      Path workdir,
      Duration grace,
      OutputSink sink,
      Executor threads)
      throws IOException {
    return start(name, argv, workdir, Map.of(), grace, sink, threads);
  }

  /**
   * Starts {@code argv} as {@link #start(String, List, Path, Duration, OutputSink, Executor)} does,
   * with {@code env} set in its environment over the server's (the run-record token, which the
   * whole tree inherits).
   */
  public static CommandRun start(
      String name,
      List<String> argv,
      Path workdir,
      Map<String, String> env,
      Duration grace,
      OutputSink sink,
      Executor threads)
      throws IOException {
    List<String> full = new ArrayList<>();
    SETSID.ifPresent(p -> full.add(p.toString()));
    full.addAll(argv);
    ProcessBuilder pb = new ProcessBuilder(full).directory(workdir.toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Map<String, String> environment = pb.environment();
    DEFAULT_ENV.forEach(environment::putIfAbsent);
    environment.putAll(env);
    CommandRun run = new CommandRun(name, pb.start(), grace, sink, threads);
    // At once, while the command surely still runs: which pipes are its output, so that a process
    // that leaves its session but keeps them open can be found when the run ends.
    run.outputPipes = ProcessTree.outputPipes(run.process.pid());
    threads.execute(run.stdout);
    threads.execute(run.stderr);
    threads.execute(run::supervise);
    return run;
  }

  /** The child's pid. */
  public long pid() {
    return process.pid();
  }

  /**
   * Completes with the return code once the command has exited and its output is drained, and no
   * process of its tree still holds the output pipes. A death by signal N after {@link #cancel()}
   * is reported as -N, and only once every process of the tree has ended (SIGKILL after the grace
   * period included).
   */
  public CompletableFuture<Integer> result() {
    return result;
  }

  /**
   * Ends whatever is left of the tree once the result is known — daemons that let go of the pipes,
   * which did not delay the result — and completes when no process of it is left. The server calls
   * this after sending the result, so the sweep costs the client nothing; the next run must wait
   * for it.
   */
  public CompletableFuture<Void> endTree() {
    if (sweepStarted.compareAndSet(false, true)) {
      result.whenComplete(
          (code, error) ->
              threads.execute(
                  () -> {
                    try {
                      endLeftovers("ending leftover processes");
                    } finally {
                      treeGone.complete(null);
                    }
                  }));
    }
    return treeGone;
  }

  /** Whether {@link #cancel()} was called. */
  public boolean isCancelled() {
    return cancelled.get();
  }

  /** Ends the whole tree: SIGTERM now, SIGKILL after the grace period. Idempotent, non-blocking. */
  public void cancel() {
    if (cancelled.compareAndSet(false, true)) {
      threads.execute(
          () -> {
            try {
              terminate(ProcessTree.members(process.toHandle()));
            } finally {
              cancelDone.complete(null);
            }
          });
    }
  }

  /**
   * SIGKILL to the whole tree at once, without the grace period: for a client that exits now (a
   * second ^C). Safe from any thread; the supervisor reports the death as usual.
   */
  public void killNow() {
    cancelled.set(true);
    ProcessTree.signal(ProcessTree.members(process.toHandle()), true);
  }

  /**
   * SIGTERM to every process, then SIGKILL to whatever of the tree is still alive at the deadline.
   */
  private void terminate(List<ProcessHandle> members) {
    if (members.isEmpty()) {
      return;
    }
    LOG.fine(() -> name + ": SIGTERM to " + pids(members));
    ProcessTree.signal(members, false);
    long deadline = System.nanoTime() + grace.toNanos();
    Set<ProcessHandle> all = new LinkedHashSet<>(members);
    for (int round = 1; System.nanoTime() < deadline; round++) {
      if (round % 20 == 0) {
        // Now and then look for processes forked since (a shell's exit trap, say): a full /proc
        // pass costs about a millisecond, a liveness check of the known ones far less.
        List<ProcessHandle> late = ProcessTree.members(process.toHandle());
        late.removeAll(all);
        ProcessTree.signal(late, false);
        all.addAll(late);
      }
      all.removeIf(p -> !ProcessTree.isRunning(p));
      if (all.isEmpty()) {
        return;
      }
      sleepQuietly(5);
    }
    all.addAll(ProcessTree.members(process.toHandle()));
    all.removeIf(p -> !ProcessTree.isRunning(p));
    if (!all.isEmpty()) {
      LOG.info(
          () ->
              name + ": still running after " + grace.toMillis() + " ms, SIGKILL to " + pids(all));
      ProcessTree.signal(new ArrayList<>(all), true);
      // SIGKILL cannot be refused, but dying takes a moment; wait for it (bounded) so that whoever
      // waits for us can rely on the tree being gone.
      long killDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      while (!all.isEmpty() && System.nanoTime() < killDeadline) {
        sleepQuietly(5);
        all.removeIf(p -> !ProcessTree.isRunning(p));
      }
    }
  }

  private void supervise() {
    try {
      int code = process.waitFor();
      if (!(stdout.awaitEnd(DRAIN_MILLIS) && stderr.awaitEnd(DRAIN_MILLIS))) {
        // Something still holds the pipes: background processes that outlived the command must
        // not keep the run (and the queue) open.
        endLeftovers("command exited; ending leftover processes");
        stdout.awaitEnd();
        stderr.awaitEnd();
      }
      if (cancelled.get()) {
        // The reply to a cancelled run promises that the run's processes are gone: a grandchild
        // closes its end of the pipe a moment before it has finished dying.
        awaitQuietly(cancelDone);
      }
      if (cancelled.get() && code > 128 && code < 128 + 65) {
        code = -(code - 128); // the JDK reports a death by signal N as 128+N; the protocol as -N
      }
      result.complete(code);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result.completeExceptionally(e);
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
    }
  }

  /**
   * Ends (SIGTERM, then SIGKILL) whatever of the tree is still running, and processes outside it
   * that hold the run's output pipes, logging {@code why}.
   */
  private void endLeftovers(String why) {
    List<ProcessHandle> leftovers = ProcessTree.members(process.toHandle());
    // And whoever left the session but kept the run's output pipes: the run's all the same.
    for (ProcessHandle holder : ProcessTree.holding(outputPipes)) {
      if (!leftovers.contains(holder)) {
        leftovers.add(holder);
      }
    }
    if (!leftovers.isEmpty()) {
      LOG.info(() -> name + ": " + why + " " + pids(leftovers));
      terminate(leftovers);
    }
  }

  private static String pids(java.util.Collection<ProcessHandle> ps) {
    return ps.stream().map(p -> Long.toString(p.pid())).toList().toString();
  }

  private static void awaitQuietly(CompletableFuture<Void> f) throws InterruptedException {
    try {
      f.get();
    } catch (java.util.concurrent.ExecutionException e) {
      // terminate() does not fail; if it did, the result still goes out
    }
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Copies one stream to the sink, a read's worth at a time, so partial lines go out at once. */
  private final class Pump implements Runnable {
    private final Stream stream;
    private final InputStream in;
    private final OutputSink sink;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile boolean reading;
    private volatile long readSince;

    Pump(Stream stream, InputStream in, OutputSink sink) {
      this.stream = stream;
      this.in = in;
      this.sink = sink;
    }

    @Override
    public void run() {
      byte[] buf = new byte[Protocol.MAX_CHUNK_BYTES];
      try {
        while (true) {
          readSince = System.nanoTime();
          reading = true;
          int n = in.read(buf, 0, buf.length);
          reading = false;
          if (n < 0) {
            break;
          }
          if (n > 0) {
            sink.write(stream, buf, n);
            if (n == buf.length) {
              buf = new byte[Protocol.MAX_CHUNK_BYTES]; // the sink may have kept a full one
            }
          }
        }
      } catch (IOException e) {
        LOG.log(Level.FINE, name + ": " + stream + " closed", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        reading = false;
        done.complete(null);
      }
    }

    /** Waits up to {@code millis} for end of file; true if it came. */
    boolean awaitEnd(long millis) throws InterruptedException {
      try {
        done.get(millis, TimeUnit.MILLISECONDS);
        return true;
      } catch (java.util.concurrent.ExecutionException e) {
        return true;
      } catch (java.util.concurrent.TimeoutException e) {
        return false;
      }
    }

    /**
     * Waits for end of file. A pump waiting on a slow client is waited for as long as it takes; one
     * stuck reading a pipe that nothing in the tree holds any more (a process escaped its session)
     * is given up after a while, so the run still ends.
     */
    void awaitEnd() throws InterruptedException {
      while (true) {
        try {
          done.get(200, TimeUnit.MILLISECONDS);
          return;
        } catch (java.util.concurrent.ExecutionException e) {
          return;
        } catch (java.util.concurrent.TimeoutException e) {
          long waiting = reading ? System.nanoTime() - readSince : 0;
          if (waiting < TimeUnit.MILLISECONDS.toNanos(100)
              || !ProcessTree.members(process.toHandle()).isEmpty()) {
            continue;
          }
          // The tree is gone and the pipe is empty, yet not closed: a process outside the run's
          // session (it called setsid) holds it. It is the run's too: end it, or this thread, the
          // JDK's reaper thread and the pipes would wait for it, and every run would take seconds.
          List<ProcessHandle> holders = ProcessTree.holding(outputPipes);
          if (!holders.isEmpty()) {
            LOG.info(
                () ->
                    name
                        + ": ending processes that left the run's session but hold its output "
                        + pids(holders));
            terminate(holders);
            continue;
          }
          if (waiting > TimeUnit.SECONDS.toNanos(2)) {
            LOG.warning(
                name
                    + ": "
                    + stream
                    + " is still held open by a process outside the run's tree; giving up on it");
            return;
          }
        }
      }
    }
  }
}
