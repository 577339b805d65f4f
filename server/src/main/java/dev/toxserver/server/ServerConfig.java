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
 */
public record ServerConfig(
    String bindHost,
    int port,
    List<String> command,
    Path workdir,
    boolean tee,
    Duration killGrace,
    int maxMessageBytes,
    boolean auth) {

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
    workdir = workdir.toAbsolutePath().normalize();
  }

  /** A copy with the kill grace period set. */
  public ServerConfig withKillGrace(Duration value) {
    return new ServerConfig(bindHost, port, command, workdir, tee, value, maxMessageBytes, auth);
  }

  /** A copy with authentication on or off. */
  public ServerConfig withAuth(boolean value) {
    return new ServerConfig(
        bindHost, port, command, workdir, tee, killGrace, maxMessageBytes, value);
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
