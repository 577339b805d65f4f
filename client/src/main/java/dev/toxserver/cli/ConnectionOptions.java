package dev.toxserver.cli;

import dev.toxserver.client.ClientSetup;
import dev.toxserver.client.ServerAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Level;
import picocli.CommandLine.Option;

/**
 * Options every command takes, before or after the subcommand ({@code tox-server -p 9876 ping} and
 * {@code tox-server ping -p 9876} both work). Each falls back to its environment variable.
 */
public final class ConnectionOptions {
  /** How long client commands wait for a silent server unless -t or TOX_SERVER_TIMEOUT says. */
  public static final Duration DEFAULT_CLIENT_TIMEOUT = Duration.ofSeconds(5);

  /** Values given programmatically (null = not given), as if parsed from a command line. */
  public static ConnectionOptions given(
      Integer port, String host, Double timeout, String logLevel) {
    ConnectionOptions o = new ConnectionOptions();
    o.port = port;
    o.host = host;
    o.timeout = timeout;
    o.logLevel = logLevel;
    return o;
  }

  @Option(
      names = {"-p", "--port"},
      paramLabel = "PORT",
      description =
          "TCP port of the server (env TOX_SERVER_PORT). Required. 'tox-server serve' also"
              + " takes 0: it picks a free port and logs it.")
  Integer port;

  @Option(
      names = {"-h", "--host"},
      paramLabel = "HOST",
      description = "Host the client commands connect to (env TOX_SERVER_HOST; default localhost).")
  String host;

  @Option(
      names = {"-t", "--timeout"},
      paramLabel = "SECONDS",
      description =
          "Client commands: give up when the server is silent this long; the server heartbeats"
              + " every timeout/2 (env TOX_SERVER_TIMEOUT; default 5).")
  Double timeout;

  @Option(
      names = {"-l", "--log-level"},
      paramLabel = "LEVEL",
      description =
          "DEBUG, INFO, WARNING or ERROR; logs go to stderr (env TOX_SERVER_LOG_LEVEL; default INFO).")
  String logLevel;

  @Option(
      names = "--server-key",
      paramLabel = "FILE",
      description =
          "Clients: connect with authentication (CURVE), verifying the server by the public key in"
              + " FILE (env TOX_SERVER_KEY; default: the project's .tox-server/server.key when it"
              + " exists).")
  Path serverKey;

  @Option(
      names = "--insecure",
      description =
          "No authentication. serve: accept plaintext clients even when listening on a"
              + " non-loopback address (anyone who can reach the port can run commands). Clients:"
              + " connect without CURVE even when the project has a server key.")
  boolean insecure;

  @Option(
      names = "--help",
      usageHelp = true,
      description = "Show this help and exit. (-h is --host, as in the original tox-server.)")
  boolean help;

  /** Resolved settings: this command's options, then its parent's, then the environment. */
  public record Resolved(
      Integer port,
      String host,
      Duration timeout,
      Level logLevel,
      Path serverKey,
      boolean insecure) {
    /** How long client commands wait for a silent server (it heartbeats every half of this). */
    public Duration clientTimeout() {
      return timeout != null ? timeout : DEFAULT_CLIENT_TIMEOUT;
    }

    /**
     * How a client command of the program whose root is {@code root} connects: plaintext or CURVE,
     * with which keys ({@link CliRoot#serverKeysAllowed()}).
     */
    public ClientSetup clientSetup(CliRoot root) {
      return new ClientSetup(serverKey, insecure, root.env(), root.serverKeysAllowed());
    }

    /** Where the client commands connect: {@code tcp://HOST:PORT}, with a real port. */
    public String clientEndpoint() {
      if (port == null) {
        throw new UsageError("No port given: use -p/--port or set TOX_SERVER_PORT.");
      }
      if (port == 0) {
        throw new UsageError(
            "Port 0 only means 'pick a free port' for serve; give the server's port.");
      }
      return ServerAddress.endpoint(host, port);
    }
  }

  static Resolved resolve(
      ConnectionOptions own, ConnectionOptions parent, Map<String, String> env) {
    Integer port = first(own.port, parent == null ? null : parent.port, null);
    if (port == null && env.get("TOX_SERVER_PORT") != null) {
      try {
        port = Integer.parseInt(env.get("TOX_SERVER_PORT").trim());
      } catch (NumberFormatException e) {
        throw new UsageError(
            "TOX_SERVER_PORT is not a port number: '" + env.get("TOX_SERVER_PORT") + "'");
      }
    }
    if (port != null && (port < 0 || port > 65535)) {
      throw new UsageError("Port " + port + " is out of range (1-65535).");
    }
    String host = first(own.host, parent == null ? null : parent.host, env.get("TOX_SERVER_HOST"));
    Double t = first(own.timeout, parent == null ? null : parent.timeout, null);
    if (t == null
        && env.get("TOX_SERVER_TIMEOUT") != null
        && !env.get("TOX_SERVER_TIMEOUT").isBlank()) {
      try {
        t = Double.parseDouble(env.get("TOX_SERVER_TIMEOUT").trim());
      } catch (NumberFormatException e) {
        throw new UsageError(
            "TOX_SERVER_TIMEOUT is not a number of seconds: '"
                + env.get("TOX_SERVER_TIMEOUT")
                + "'");
      }
    }
    if (t != null && !(t > 0)) {
      throw new UsageError("The timeout must be a positive number of seconds.");
    }
    String level =
        first(
            own.logLevel, parent == null ? null : parent.logLevel, env.get("TOX_SERVER_LOG_LEVEL"));
    Level lvl;
    try {
      lvl = level == null ? Level.INFO : Logging.parseLevel(level);
    } catch (IllegalArgumentException e) {
      throw new UsageError(e.getMessage());
    }
    Path key = first(own.serverKey, parent == null ? null : parent.serverKey, null);
    String keyEnv = env.get("TOX_SERVER_KEY");
    if (key == null && keyEnv != null && !keyEnv.isBlank()) {
      key = Path.of(keyEnv);
    }
    boolean insecure = own.insecure || (parent != null && parent.insecure);
    if (insecure && key != null) {
      throw new UsageError(
          "--insecure and --server-key"
              + (own.serverKey == null && (parent == null || parent.serverKey == null)
                  ? " (TOX_SERVER_KEY)"
                  : "")
              + " contradict each other: choose one.");
    }
    return new Resolved(
        port,
        host == null ? "localhost" : host,
        t == null ? null : Duration.ofMillis((long) (t * 1000)),
        lvl,
        key,
        insecure);
  }

  /** This command's settings, without touching logging (start-up fast paths). */
  public static Resolved resolve(ConnectionOptions own, CliRoot root) {
    return resolve(own, root.options(), root.env());
  }

  /** What every subcommand does first: resolve its settings and turn logging on. */
  public static Resolved setUp(ConnectionOptions own, CliRoot root) {
    Resolved r = resolve(own, root.options(), root.env());
    Logging.configure(r.logLevel(), System.err);
    return r;
  }

  @SafeVarargs
  private static <T> T first(T... values) {
    for (T v : values) {
      if (v != null) {
        return v;
      }
    }
    return null;
  }
}
