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
      description = "Refuse requests larger than this (default: 1048576).")
  Integer maxMessageSize;

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
    ServerConfig config =
        new ServerConfig(
            BindOption.resolve(bind, parent.bind, parent.env()),
            r.port(),
            words,
            workdir == null ? Path.of("") : workdir,
            tee,
            Duration.ofMillis((long) (killGrace * 1000)),
            maxBytes,
            false); // decided below, once the bind address is known to be loopback or not
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
    server.terminated().join();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // Already shutting down (SIGTERM/^C): the hook is doing its job.
    }
    LOG.info("Server stopped");
    return 0;
  }
}
