package dev.toxserver.local;

import dev.toxserver.cli.CommandWords;
import dev.toxserver.cli.StartUpException;
import dev.toxserver.cli.UsageError;
import dev.toxserver.process.Executables;
import dev.toxserver.server.ServerConfig;
import dev.toxserver.server.ServerStartException;
import dev.toxserver.server.ToxServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code --local}: the same server as {@code tox-server serve}, in this process, on a free loopback
 * port, so the whole workflow works without a container. This package is the only part of the
 * bridge that uses the server module; everything else talks to this server over the protocol, as to
 * any other.
 */
public final class LocalServer implements AutoCloseable {
  /** The server's logger, held so that its level setting cannot be garbage-collected. */
  private static final Logger SERVER_LOG = Logger.getLogger("tox-server");

  private final ToxServer server;
  private final String endpoint;

  private LocalServer(ToxServer server, String endpoint) {
    this.server = server;
    this.endpoint = endpoint;
  }

  /**
   * The server {@code --local} asks for, running {@code command} (null: tox, split like a shell
   * splits words), or null without {@code --local}.
   *
   * @throws UsageError when {@code --command} comes without {@code --local}
   * @throws StartUpException when the server cannot start
   */
  public static LocalServer startIfLocal(
      boolean local, String command, Path workdir, Level logLevel) throws StartUpException {
    if (command != null && !local) {
      throw new UsageError(
          "--command only applies with --local; a server runs the command it was started with.");
    }
    if (!local) {
      return null;
    }
    return start(command == null ? List.of("tox") : CommandWords.split(command), workdir, logLevel);
  }

  /**
   * Starts a server that runs {@code command} (plus each run's arguments) in {@code workdir}.
   *
   * @throws StartUpException when it cannot start; a missing tox is explained with how to get it
   */
  public static LocalServer start(List<String> command, Path workdir, Level logLevel)
      throws StartUpException {
    if (command.equals(List.of("tox")) && Executables.onPath("tox").isEmpty()) {
      throw new StartUpException(
          "tox is not installed on this machine, so --local has nothing to run. Install it"
              + " (sudo apt-get install tox, or pip install tox), or run another command with"
              + " --command, e.g. --command 'python3 -m unittest'.");
    }
    if (logLevel.intValue() >= Level.INFO.intValue()) {
      // The server's own progress lines ("Started run-1 ...") would only clutter the terminal.
      SERVER_LOG.setLevel(Level.WARNING);
    }
    ToxServer server = new ToxServer(ServerConfig.local(command, workdir));
    try {
      return new LocalServer(server, server.start());
    } catch (ServerStartException e) {
      throw new StartUpException(e.getMessage(), e);
    }
  }

  /** Where clients reach it: {@code tcp://127.0.0.1:PORT}. */
  public String endpoint() {
    return endpoint;
  }

  /**
   * Ends the running command's whole tree at once (SIGKILL): for a second ^C, which exits without
   * waiting for the server's orderly cancel. Safe from any thread.
   */
  public void killRunsNow() {
    server.killRunsNow();
  }

  /** Cancels its runs (their trees end), then stops. */
  @Override
  public void close() {
    server.stop();
    if (!server.awaitTermination(server.config().killGrace().plus(Duration.ofSeconds(5)))) {
      killRunsNow();
    }
  }
}
