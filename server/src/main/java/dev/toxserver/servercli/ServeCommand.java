package dev.toxserver.servercli;

import dev.toxserver.cli.CommandWords;
import dev.toxserver.cli.ConnectionOptions;
import dev.toxserver.cli.UsageError;
import dev.toxserver.protocol.Protocol;
import dev.toxserver.server.ServerConfig;
import dev.toxserver.server.ServerStartException;
import dev.toxserver.server.ToxServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code tox-server serve}: listen and run the command for each RUN request, one at a time. */
@Command(
    name = "serve",
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Listen on one TCP port and run the command (default: tox) for each RUN request, one run"
          + " at a time in arrival order, streaming stdout and stderr back live and byte-exact.",
      "Runs get the request's arguments appended, no shell in between; PY_COLORS=1,"
          + " FORCE_COLOR=1 and PYTHONUNBUFFERED=1 unless already set. Cancelling a run ends its"
          + " whole process tree (SIGTERM, then SIGKILL after --kill-grace). SIGTERM or ^C stops"
          + " the server the same way; 'tox-server quit' lets running work finish first.",
      "Authentication (CURVE, encrypted): on by default when listening on anything but loopback,"
          + " with --auth on loopback too, off with --insecure. The server makes its key pair in"
          + " .tox-server/ of the working directory on the first start and accepts the clients"
          + " whose public keys are in .tox-server/authorized_keys/; 'bridge auth', run on the host"
          + " in the project folder, puts the host's key there (no restart needed).",
      ""
    })
final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = Logger.getLogger("tox-server");

  /** The exit status after the server loop failed (EX_SOFTWARE). */
  static final int EXIT_LOOP_FAILED = 70;

  @ParentCommand ToxServerCli parent;

  @Mixin ConnectionOptions options;

  @Mixin BindOption bind;

  @Spec CommandSpec spec;

  @Option(
      names = "--command",
      paramLabel = "CMD",
      description =
          "The program, and leading arguments, to run for each request, e.g. 'pytest -q' or"
              + " 'mvn -q test'. Split into words like a shell would (quotes group), then run"
              + " without a shell (env TOX_SERVER_COMMAND; default tox).")
  String command;

  @Option(
      names = "--workdir",
      paramLabel = "DIR",
      description = "Directory the command runs in (default: the current directory).")
  Path workdir;

  @Option(
      names = "--tee",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "Also write run output to this server's stdout/stderr (default: on).")
  boolean tee;

  @Option(
      names = "--kill-grace",
      paramLabel = "SECONDS",
      defaultValue = "5",
      description =
          "Seconds between SIGTERM and SIGKILL when a run is cancelled (default: ${DEFAULT-VALUE}).")
  double killGrace;

  @Option(
      names = "--auth",
      description =
          "Require authentication (CURVE) even on loopback. It is on by default for any other"
              + " address; --insecure turns it off. Keys live in DIR/.tox-server/ (DIR = --workdir):"
              + " server.key (public), server.key_secret (0600), authorized_keys/ (one public key"
              + " file per client, as 'bridge auth' writes them; read again when they change).")
  boolean auth;

  @Option(
      names = "--max-message-size",
      paramLabel = "BYTES",
      description =
          "Refuse requests larger than this (default: 1048576). A connection that sends a frame"
              + " larger than this (plus 4 KiB for routing) is dropped; a multipart message whose"
              + " frames together pass it is cut short as it arrives and refused.")
  Integer maxMessageSize;

  @Option(
      names = "--max-queued-runs",
      paramLabel = "N",
      defaultValue = "100",
      description =
          "Runs that may wait for their turn, all clients together (each client has at most one"
              + " run in flight); more are refused with an error (default: ${DEFAULT-VALUE}).")
  int maxQueuedRuns;

  @Option(
      names = "--max-run-args",
      paramLabel = "N",
      defaultValue = "4096",
      description = "Arguments one RUN may have (default: ${DEFAULT-VALUE}).")
  int maxRunArgs;

  @Option(
      names = "--max-run-arg-bytes",
      paramLabel = "BYTES",
      defaultValue = "262144",
      description = "Bytes (UTF-8) of one RUN's arguments together (default: ${DEFAULT-VALUE}).")
  int maxRunArgBytes;

  @Option(
      names = "--stall-timeout",
      paramLabel = "SECONDS",
      defaultValue = "120",
      description =
          "Cancel a run whose client has taken none of its output for this long, as if the"
              + " client had gone, so that the next run can start (default: ${DEFAULT-VALUE}).")
  double stallTimeout;

  @Option(
      names = "--client-timeout",
      paramLabel = "SECONDS",
      defaultValue = "30",
      description =
          "Close a connection that answers none of the server's ZeroMQ heartbeats (sent every"
              + " third of this) for this long: a frozen client or a half-open connection; its run"
              + " is then cancelled (default: ${DEFAULT-VALUE}).")
  double clientTimeout;

  @Override
  public Integer call() {
    ConnectionOptions.Resolved r = ConnectionOptions.setUp(options, parent);
    if (r.port() == null) {
      throw new UsageError("No port given: use -p/--port or set TOX_SERVER_PORT.");
    }
    String line =
        command != null ? command : parent.env().getOrDefault("TOX_SERVER_COMMAND", "tox");
    List<String> words;
    try {
      words = CommandWords.split(line);
    } catch (IllegalArgumentException e) {
      throw new UsageError("--command: " + e.getMessage());
    }
    if (words.isEmpty()) {
      throw new UsageError("--command is empty.");
    }
    if (!(killGrace >= 0)) {
      throw new UsageError("--kill-grace must be zero or more seconds.");
    }
    int maxBytes = maxMessageSize == null ? Protocol.DEFAULT_MAX_MESSAGE_BYTES : maxMessageSize;
    if (maxBytes < 256) {
      throw new UsageError("--max-message-size must be at least 256 bytes.");
    }
    if (maxQueuedRuns < 0 || maxRunArgs < 0 || maxRunArgBytes < 0) {
      throw new UsageError(
          "--max-queued-runs, --max-run-args and --max-run-arg-bytes cannot be negative.");
    }
    if (!(stallTimeout > 0) || !(clientTimeout >= 0.1) || clientTimeout > 2_000_000) {
      throw new UsageError(
          "--stall-timeout must be more than 0 seconds, --client-timeout between 0.1 and 2000000.");
    }
    ServerConfig.Limits limits =
        new ServerConfig.Limits(
            maxQueuedRuns,
            maxRunArgs,
            maxRunArgBytes,
            Duration.ofMillis((long) (stallTimeout * 1000)),
            Duration.ofMillis((long) (clientTimeout * 1000)));
    ServerConfig config =
        new ServerConfig(
            BindOption.resolve(bind, parent.bind, parent.env()),
            r.port(),
            words,
            workdir == null ? Path.of("") : workdir,
            tee,
            Duration.ofMillis((long) (killGrace * 1000)),
            maxBytes,
            false, // decided below, once the bind address is known to be loopback or not
            limits);
    if (auth && r.insecure()) {
      throw new UsageError("--auth and --insecure contradict each other.");
    }
    if (r.serverKey() != null) {
      throw new UsageError(
          "--server-key (TOX_SERVER_KEY) is for clients; the server keeps its key pair in"
              + " .tox-server/ of its working directory.");
    }
    config = config.withAuth(auth || (!r.insecure() && !config.isLoopback()));
    if (!config.isLoopback() && !config.auth()) {
      LOG.warning(
          "*** INSECURE: listening on "
              + config.bindHost()
              + " without authentication (--insecure): anyone who can reach port "
              + config.port()
              + " can run commands here, with any arguments, and read their output. Use this only"
              + " on a private network; without --insecure, clients must be authorised. ***");
    }
    if (Runtime.version().feature() <= 21
        && System.getProperty("jdk.lang.Process.launchMechanism") == null) {
      // Spawning with vfork skips the JDK's helper process: ~0.7 ms less per run here. (Later JDKs
      // deprecate the setting; they keep their default.)
      System.setProperty("jdk.lang.Process.launchMechanism", "VFORK");
    }
    ToxServer server = new ToxServer(config);
    try {
      server.start();
    } catch (ServerStartException e) {
      spec.commandLine().getErr().println("tox-server: " + e.getMessage());
      return 1;
    }
    Duration bound = config.killGrace().plusSeconds(5);
    Thread hook =
        new Thread(
            () -> {
              server.stop();
              server.awaitTermination(bound);
            },
            "tox-server-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    Throwable failure = null;
    try {
      server.terminated().join();
    } catch (CompletionException e) {
      failure = e.getCause();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // Already shutting down (SIGTERM/^C): the hook is doing its job.
    }
    if (failure != null) {
      // Nothing answers requests any more: exit, promptly and non-zero, so that whatever started
      // the server (the container's start-up hook) starts it again. halt, not exit: after an
      // OutOfMemoryError other threads may hold up an orderly exit.
      try {
        spec.commandLine()
            .getErr()
            .println(
                "tox-server: the server failed and stops ("
                    + failure
                    + "); start it again (see the log above).");
        spec.commandLine().getErr().flush();
      } finally {
        Runtime.getRuntime().halt(EXIT_LOOP_FAILED);
      }
    }
    LOG.info("Server stopped");
    return 0;
  }
}
