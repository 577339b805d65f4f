package dev.toxserver.server;

import dev.toxserver.process.CommandNotFoundException;
import dev.toxserver.process.Executables;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * The tox-server: one ROUTER socket, one loop thread that owns it, one run at a time.
 *
 * <p>This class is the server's lifecycle: {@link #start} checks the configuration, loads the keys,
 * ends what a killed predecessor left running and starts the {@link ServerLoop loop thread}; {@link
 * #stop} and {@link #killRunsNow} end it. Everything that touches the socket or the runs happens on
 * the loop thread. Run threads (output pumps, supervisors) only fill their run's bounded output
 * queue and wake the loop; other threads ask for a stop the same way (see the package documentation
 * for the path of a request).
 */
public final class ToxServer {
  private static final Logger LOG = Logger.getLogger("tox-server");

  private final ServerConfig config;
  private final LoopInbox inbox = new LoopInbox();
  private final CompletableFuture<String> bound = new CompletableFuture<>();
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private Thread loopThread;

  /** Set by {@link #start}; read by {@link #killRunsNow} from any thread. */
  private volatile ServerLoop loop;

  public ServerConfig config() {
    return config;
  }

  public ToxServer(ServerConfig config) {
    this.config = config;
  }

  /**
   * Binds and starts serving on a new thread.
   *
   * @return the bound endpoint, e.g. {@code tcp://127.0.0.1:9876}
   */
  public synchronized String start() throws ServerStartException {
    if (loopThread != null) {
      throw new IllegalStateException("already started");
    }
    if (!Files.isDirectory(config.workdir())) {
      throw new ServerStartException(
          "Working directory " + config.workdir() + " does not exist or is not a directory.");
    }
    if (config.command().isEmpty()) {
      throw new ServerStartException("No command to run: --command is empty.");
    }
    try {
      Executables.resolve(config.command().get(0), config.workdir());
    } catch (CommandNotFoundException e) {
      throw new ServerStartException("Cannot run the command: " + e.getMessage());
    }
    Authentication authentication = Authentication.load(config);
    RunRecords records = sweepPredecessorsRuns();
    loop = new ServerLoop(config, authentication, records, inbox, bound, terminated);
    loopThread = new Thread(loop::run, "tox-server-loop");
    loopThread.start();
    try {
      return bound.get();
    } catch (ExecutionException e) {
      awaitTermination(Duration.ofSeconds(5));
      if (e.getCause() instanceof ServerStartException s) {
        throw s;
      }
      throw new ServerStartException("Cannot start the server: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServerStartException("Interrupted while starting");
    }
  }

  /**
   * Before serving: ends what is left of runs whose server was killed (see {@link RunRecords}), so
   * that no tox of a dead server competes with ours, and opens this server's records.
   *
   * @return the records, or null when they cannot be kept
   */
  private RunRecords sweepPredecessorsRuns() {
    RunRecords records;
    try {
      records = RunRecords.open(config.workdir());
    } catch (IOException e) {
      LOG.warning(
          "Cannot keep run records for "
              + config.workdir()
              + " ("
              + e.getMessage()
              + "): runs left by a killed server are not ended, and ours would not be either.");
      return null;
    }
    records.sweep(config.killGrace());
    return records;
  }

  /** The endpoint clients connect to, once bound. */
  public String endpoint() {
    return bound.getNow(null);
  }

  /** The bound TCP port, once bound. */
  public int port() {
    String e = endpoint();
    return Integer.parseInt(e.substring(e.lastIndexOf(':') + 1));
  }

  /**
   * Stops from any thread: queued runs are cancelled, the running one's tree is ended, their
   * clients are told, then the socket closes.
   */
  public void stop() {
    // Runs on the loop thread, which exists only once started (a stop before that takes effect
    // at the start).
    inbox.post(() -> loop.stop());
  }

  /**
   * Ends the running command's whole process tree at once (SIGKILL, no grace period), from any
   * thread: for an embedding process that is about to exit without waiting for {@link #stop()}.
   */
  public void killRunsNow() {
    ServerLoop l = loop;
    if (l != null) {
      l.killRunsNow();
    }
  }

  /** Completes when the loop has ended and the socket is closed. */
  public CompletableFuture<Void> terminated() {
    return terminated;
  }

  /** Waits for {@link #terminated()}; true if it happened in time. */
  public boolean awaitTermination(Duration timeout) {
    try {
      terminated.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
