package dev.toxserver.server;

import dev.toxserver.protocol.Protocol;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How a server listens and what it runs.
 *
 * @param bindHost the address to listen on; loopback unless told otherwise
 * @param port the TCP port; 0 picks a free one
 * @param command the program and leading arguments each RUN appends its arguments to
 * @param workdir where runs execute
 * @param tee whether run output is mirrored to the server's own stdout/stderr
 * @param killGrace how long a cancelled process tree gets between SIGTERM and SIGKILL
 * @param maxMessageBytes requests larger than this are refused
 * @param auth whether clients must authenticate with CURVE: keys in {@code <workdir>/.tox-server/},
 *     clients authorised by {@code .tox-server/authorized_keys/}
 * @param limits what one client or request may make the server hold or wait for
 */
public record ServerConfig(
    String bindHost,
    int port,
    List<String> command,
    Path workdir,
    boolean tee,
    Duration killGrace,
    int maxMessageBytes,
    boolean auth,
    Limits limits) {

  /**
   * Limits against clients that would exhaust the server's memory or hold the run slot (see
   * docs/security.md, "Memory and request limits" and "Slow, stuck and half-open clients").
   *
   * @param maxQueuedRuns runs waiting for their turn, all clients together (each client has at most
   *     one run in flight)
   * @param maxRunArgs arguments of one RUN
   * @param maxRunArgBytes bytes (UTF-8) of one RUN's arguments together
   * @param stallTimeout how long a run waits on a client that takes none of its output before it is
   *     cancelled as if the client had vanished
   * @param clientTimeout a connection that sends nothing, not even the answer to ZeroMQ's heartbeat
   *     PING (sent every third of this), for this long is closed
   */
  public record Limits(
      int maxQueuedRuns,
      int maxRunArgs,
      int maxRunArgBytes,
      Duration stallTimeout,
      Duration clientTimeout) {
    public static final Limits DEFAULTS =
        new Limits(100, 4096, 256 * 1024, Duration.ofSeconds(120), Duration.ofSeconds(30));

    public Limits {
      if (maxQueuedRuns < 0 || maxRunArgs < 0 || maxRunArgBytes < 0) {
        throw new IllegalArgumentException("limits cannot be negative");
      }
      if (stallTimeout.isNegative()
          || stallTimeout.isZero()
          || clientTimeout.toMillis() < 10
          || clientTimeout.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("timeouts must be positive");
      }
    }
  }

  /** A configuration with the default {@link Limits}. */
  public ServerConfig(
      String bindHost,
      int port,
      List<String> command,
      Path workdir,
      boolean tee,
      Duration killGrace,
      int maxMessageBytes,
      boolean auth) {
    this(bindHost, port, command, workdir, tee, killGrace, maxMessageBytes, auth, Limits.DEFAULTS);
  }

  /**
   * Loopback, a free port, {@code tox} in the current directory, tee off, no authentication: what
   * tests and local mode use.
   */
  public static ServerConfig local(List<String> command, Path workdir) {
    return new ServerConfig(
        "127.0.0.1",
        0,
        command,
        workdir,
        false,
        Duration.ofSeconds(5),
        Protocol.DEFAULT_MAX_MESSAGE_BYTES,
        false);
  }

  public ServerConfig {
    command = List.copyOf(command);
    limits = limits == null ? Limits.DEFAULTS : limits;
    workdir = workdir.toAbsolutePath().normalize();
  }

  /** A copy with the kill grace period set. */
  public ServerConfig withKillGrace(Duration value) {
    return new ServerConfig(
        bindHost, port, command, workdir, tee, value, maxMessageBytes, auth, limits);
  }

  /** A copy with these limits. */
  public ServerConfig withLimits(Limits value) {
    return new ServerConfig(
        bindHost, port, command, workdir, tee, killGrace, maxMessageBytes, auth, value);
  }

  /** A copy with authentication on or off. */
  public ServerConfig withAuth(boolean value) {
    return new ServerConfig(
        bindHost, port, command, workdir, tee, killGrace, maxMessageBytes, value, limits);
  }

  /** Whether the bind address is a loopback one. */
  public boolean isLoopback() {
    return bindHost.equals("localhost") || bindHost.startsWith("127.") || bindHost.equals("::1");
  }

  /** The ZeroMQ endpoint to bind. */
  String bindEndpoint() {
    String host = bindHost.contains(":") ? "[" + bindHost + "]" : bindHost;
    return "tcp://" + host + ":" + (port == 0 ? "*" : Integer.toString(port));
  }
}
