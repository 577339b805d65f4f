package dev.toxserver.server;

import dev.toxserver.process.CommandNotFoundException;
import dev.toxserver.process.CommandRun;
import dev.toxserver.process.Executables;
import dev.toxserver.protocol.Message;
import dev.toxserver.protocol.Route;
import dev.toxserver.text.LogText;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * The runs in flight, at most one per client: accepted into a queue, started one at a time, ended
 * when the final reply is out, and followed by the next once the process tree is gone. Loop thread
 * only, except {@link #killNow} and the run threads it hands out.
 */
final class Runs {
  private static final Logger LOG = Logger.getLogger("tox-server");

  /** How much of a run's command line its "Started" log line quotes. */
  private static final int LOG_ARGV_CHARS = 500;

  private final ServerConfig config;
  private final RunRecords records;
  private final Outbox outbox;
  private final Heartbeats heartbeats;
  private final RunOutput output;
  private final LoopInbox inbox;
  private final Shutdown shutdown;

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

  private final Map<Route, Run> byClient = new LinkedHashMap<>();
  private final ArrayDeque<Run> queue = new ArrayDeque<>();
  private Run current;
  private long counter;

  /** The running command, for {@link #killNow()} from any thread; null between runs. */
  private volatile CommandRun live;

  /**
   * @param records where started runs are recorded for a successor; null when unwritable
   * @param inbox where a run thread hands back a run whose tree is gone
   */
  Runs(
      ServerConfig config,
      RunRecords records,
      Outbox outbox,
      Heartbeats heartbeats,
      RunOutput output,
      LoopInbox inbox,
      Shutdown shutdown) {
    this.config = config;
    this.records = records;
    this.outbox = outbox;
    this.heartbeats = heartbeats;
    this.output = output;
    this.inbox = inbox;
    this.shutdown = shutdown;
  }

  /** Queues a client's RUN request, whose arguments have been checked. */
  void accept(Message request, List<String> args) {
    // The run keeps the request only to reply to it: without its arguments, which would otherwise
    // be held twice (as JSON and as strings).
    Message reply =
        new Message(request.route(), request.command(), null, request.timeout(), request.version());
    Run run = new Run(++counter, reply, List.copyOf(args), Heartbeats.periodOf(request));
    Heartbeats.schedule(run);
    byClient.put(request.route(), run);
    queue.add(run);
    LOG.fine(() -> run + " queued for " + request.route() + ": " + LogText.excerpt(args));
  }

  /** How many runs wait for their turn. */
  int queued() {
    return queue.size();
  }

  /** The client's run in flight, or null. */
  Run of(Route client) {
    return byClient.get(client);
  }

  boolean has(Route client) {
    return byClient.containsKey(client);
  }

  /** How many runs are in flight, queued or started. */
  int size() {
    return byClient.size();
  }

  /** A copy of the runs in flight, in the order they were accepted. */
  List<Run> all() {
    return new ArrayList<>(byClient.values());
  }

  /** The run whose output is being forwarded or whose tree is ending; null between runs. */
  Run current() {
    return current;
  }

  /** Whether no run is in flight and no tree is ending. */
  boolean idle() {
    return byClient.isEmpty() && current == null;
  }

  /** Queued: dropped with an ERR to its client. Started: its process tree is ended. */
  void cancel(Run run) {
    if (run.state == Run.State.QUEUED) {
      queue.remove(run);
      byClient.remove(run.route());
      if (!run.abandoned) {
        outbox.send(run.request.error("Command RUN was cancelled."));
      }
    } else {
      run.process.cancel();
    }
  }

  /**
   * Cancels every run in flight.
   *
   * @return how many
   */
  int cancelAll() {
    List<Run> all = all();
    all.forEach(this::cancel);
    return all.size();
  }

  /** The client's connection is gone: its run, if any, is cancelled and its output discarded. */
  void clientGone(Route client) {
    Run run = byClient.get(client);
    if (run == null) {
      LOG.fine("Client " + client + " went away");
      return;
    }
    LOG.warning("The client of " + run + " went away; cancelling it");
    run.abandoned = true;
    cancel(run);
    // Its queued output is discarded by forwardOutput, which must still see the final reply.
  }

  /**
   * The client's key is no longer authorised: its run, if any, is cancelled (queued: dropped with
   * an ERR; started: its process tree ended, and the client gets the final reply).
   */
  void revoked(Route client) {
    Run run = byClient.get(client);
    if (run != null) {
      LOG.warning("Cancelling " + run + ": its client's key is no longer authorised");
      cancel(run);
    }
  }

  /** Starts queued runs while none is running, unless the server is stopping. */
  void startNext() {
    while (current == null && !queue.isEmpty() && !shutdown.stopping()) {
      Run run = queue.poll();
      List<String> argv = new ArrayList<>();
      try {
        argv.add(Executables.resolve(config.command().get(0), config.workdir()).toString());
      } catch (CommandNotFoundException e) {
        failToStart(run, e.getMessage());
        continue;
      }
      argv.addAll(config.command().subList(1, config.command().size()));
      argv.addAll(run.args);
      try {
        run.process =
            CommandRun.start(
                "run-" + run.id,
                argv,
                config.workdir(),
                records != null ? records.runEnvironment() : Map.of(),
                config.killGrace(),
                output.sinkFor(run),
                runThreads);
      } catch (IOException e) {
        failToStart(run, e.getMessage());
        continue;
      }
      if (records != null) {
        records.add(run.process.pid(), argv);
      }
      run.state = Run.State.STARTED;
      run.startedNanos = System.nanoTime();
      current = run;
      live = run.process;
      // The arguments are the client's: an excerpt, escaped (a newline in one cannot forge a line).
      LOG.info(
          "Started "
              + run
              + " (pid "
              + run.process.pid()
              + "): "
              + LogText.excerpt(String.join(" ", argv), LOG_ARGV_CHARS));
      if (run.toldQueued || run.heartbeatNanos > 0) {
        // A client that asked for heartbeats learns at once, before any output, that it started.
        heartbeats.send(run);
      }
      // Never on this thread: a result already complete would run finish here at once, and its
      // put() waits for room in the output queue, which only this thread makes (a run that wrote
      // exactly a queue's worth of chunks before this line deadlocked the server).
      run.process
          .result()
          .whenCompleteAsync((code, error) -> output.finish(run, code, error), runThreads);
    }
  }

  private void failToStart(Run run, String why) {
    LOG.warning("Cannot start " + run + ": " + why);
    byClient.remove(run.route());
    outbox.send(run.request.error("Cannot start " + config.command().get(0) + ": " + why));
  }

  /** Moves the running command's output to its client; ends the run after its final reply. */
  void forwardOutput() {
    Run run = current;
    if (run != null && output.forward(run)) {
      end(run);
    }
  }

  /** The final reply is out: sweep what is left of the tree; the next run starts after that. */
  private void end(Run run) {
    byClient.remove(run.route());
    run.process.endTree().whenComplete((v, error) -> inbox.post(() -> treeGone(run)));
    double secs = (System.nanoTime() - run.startedNanos) / 1e9;
    String how;
    try {
      Integer code = run.process.result().getNow(null);
      how = "returncode " + code;
    } catch (RuntimeException e) {
      how = "error " + e.getMessage();
    }
    String summary = how;
    LOG.info(
        () ->
            String.format(
                "Finished %s: %s in %.2f s%s",
                run, summary, secs, run.abandoned ? " (client gone, reply not sent)" : ""));
  }

  private void treeGone(Run run) {
    if (records != null) {
      records.remove(run.process.pid());
    }
    if (current == run) {
      current = null;
      live = null;
    }
  }

  /**
   * Any thread: ends the running command's whole tree at once (SIGKILL, no grace period). See
   * {@link ToxServer#killRunsNow()}.
   */
  void killNow() {
    CommandRun run = live;
    if (run != null) {
      run.killNow();
    }
  }

  /** After the loop failed: cancels every started run's process tree. */
  void cancelStarted() {
    for (Run run : byClient.values()) {
      if (run.process != null) {
        run.process.cancel();
      }
    }
  }

  /** When the loop is done: lets the run threads end. */
  void shutdownThreads() {
    runThreads.shutdown();
  }
}
