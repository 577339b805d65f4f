package dev.toxserver.schedule;

import dev.toxserver.client.ServerAddress;
import dev.toxserver.client.ToxServerClient;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The runner: takes the {@link RunScheduler}'s runs one at a time and has a {@link RunExecutor} run
 * each on the connection to the server, which it owns.
 *
 * <p>One rule for a run whose server went away, for every front end: the connection is closed, and
 * the next run gets a new one, so that nothing of the lost connection (an INTERRUPT sent into it, a
 * RUN that no server took) reaches the server that answers next, nor its replies the next run.
 *
 * <p>The thread that calls {@link #connect}, {@link #run} and {@link #close} owns the connection;
 * {@link #serverLost} may come from any thread.
 */
public final class RunLoop implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger("bridge");

  private final RunScheduler scheduler;
  private final ServerAddress address;
  private final AtomicBoolean lost = new AtomicBoolean();
  private ToxServerClient client; // null until connected, and after the server was lost

  public RunLoop(RunScheduler scheduler, ServerAddress address) {
    this.scheduler = scheduler;
    this.address = address;
  }

  /**
   * Connects now rather than at the first run.
   *
   * @throws IllegalArgumentException when the endpoint cannot be used (e.g. an unknown host)
   */
  public void connect() {
    if (lost.getAndSet(false) && client != null) {
      client.close();
      client = null;
    }
    if (client == null) {
      client = address.connect();
    }
  }

  /** The connection, or null when there is none yet; on the owner thread. */
  ToxServerClient client() {
    return client;
  }

  /** Runs the scheduler's runs until it is closed. */
  public void run(RunExecutor executor) throws InterruptedException {
    connectIfPossible();
    for (QueuedRun run; (run = scheduler.next()) != null; ) {
      execute(run, executor);
    }
  }

  /** Runs the next run that waits, if any; false when none does. */
  public boolean runNext(RunExecutor executor) {
    QueuedRun run = scheduler.take();
    if (run == null) {
      return false;
    }
    execute(run, executor);
    return true;
  }

  /** The server went away (someone else noticed): the next run gets a new connection. */
  public void serverLost() {
    lost.set(true);
  }

  private void execute(QueuedRun run, RunExecutor executor) {
    RunOutcome outcome;
    try {
      connect();
    } catch (IllegalArgumentException e) { // the endpoint cannot be used (any more)
      scheduler.finished(
          run, RunOutcome.failed(RunOutcome.Fault.UNREACHABLE, e.getMessage(), false, 0));
      return;
    }
    try {
      outcome = executor.execute(run, client);
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "Run " + run.id() + " failed in the bridge", e);
      outcome =
          RunOutcome.failed(
              RunOutcome.Fault.BRIDGE,
              "Run " + run.id() + " failed in the bridge: " + e,
              run.cancelled(),
              0);
    }
    if (outcome.serverLost()) {
      close(); // now: its socket goes, and whatever it still holds for the lost server with it
      connectIfPossible(); // so that the new one is ready when the server is back
    }
    scheduler.finished(run, outcome);
  }

  /** Connects ahead of the next run; if the endpoint cannot be used, that run will say so. */
  private void connectIfPossible() {
    try {
      connect();
    } catch (IllegalArgumentException e) {
      // the next run fails with this, in execute()
    }
  }

  /** Closes the connection. */
  @Override
  public void close() {
    if (client != null) {
      client.close();
      client = null;
    }
  }
}
