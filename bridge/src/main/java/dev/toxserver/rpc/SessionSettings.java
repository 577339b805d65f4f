package dev.toxserver.rpc;

import dev.toxserver.client.ClientSetup;
import dev.toxserver.client.ServerAddress;
import dev.toxserver.keys.KeyFileException;
import dev.toxserver.rpc.BridgeApi.Errors;
import dev.toxserver.rpc.BridgeApi.InitializeParams;
import dev.toxserver.schedule.OnChange;
import dev.toxserver.watch.WatchSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;

/**
 * What {@code initialize} asked for, checked, with the command line's defaults filled in.
 *
 * @param endpoint e.g. {@code tcp://localhost:9876}
 * @param address how to connect: plaintext, or CURVE when the workspace's key file says so
 * @param timeout how long the server may stay silent
 * @param toxArgs tox's arguments for runs that do not bring their own
 * @param autoRun whether changes start runs at first
 * @param onChange what a change during a run does
 * @param watch what to watch and how
 */
record SessionSettings(
    String endpoint,
    ServerAddress address,
    Duration timeout,
    List<String> toxArgs,
    boolean autoRun,
    OnChange onChange,
    WatchSettings watch) {

  /** The defaults from the command line: host, port (null: none given) and timeout. */
  record Defaults(String host, Integer port, Duration timeout, ClientSetup clients) {}

  /**
   * @throws ResponseErrorException with the API's error code when a setting cannot be used
   */
  static SessionSettings of(InitializeParams p, Defaults defaults) {
    if (p == null || p.workspaceFolder == null) {
      throw error(-32602, "initialize needs workspaceFolder");
    }
    Path folder = Path.of(p.workspaceFolder).toAbsolutePath().normalize();
    if (!Files.isDirectory(folder)) {
      throw error(-32602, "workspaceFolder " + folder + " is not a directory");
    }
    BridgeApi.ServerOptions server = p.server != null ? p.server : new BridgeApi.ServerOptions();
    String host = server.host != null ? server.host : defaults.host();
    Integer port = server.port != null ? server.port : defaults.port();
    if (port == null || port < 1 || port > 65535) {
      throw error(
          -32602,
          "No tox-server port: give server.port in initialize, or start the bridge with -p or"
              + " TOX_SERVER_PORT set.");
    }
    double seconds =
        server.timeoutSeconds != null
            ? server.timeoutSeconds
            : defaults.timeout().toMillis() / 1000.0;
    if (!(seconds > 0)) {
      throw error(-32602, "server.timeoutSeconds must be positive");
    }
    BridgeApi.WatchOptions w = p.watch != null ? p.watch : new BridgeApi.WatchOptions();
    OnChange onChange;
    try {
      onChange = w.onChange == null ? OnChange.RESTART : OnChange.parse(w.onChange);
    } catch (IllegalArgumentException e) {
      throw error(-32602, "watch.onChange " + e.getMessage());
    }
    if (w.debounceMs != null && w.debounceMs < 0) {
      throw error(-32602, "watch.debounceMs must be 0 (no debounce) or more, got " + w.debounceMs);
    }
    String endpoint = ServerAddress.endpoint(host, port);
    ServerAddress address;
    try {
      // The workspace is the project: its .tox-server/server.key says whether to use CURVE.
      address = defaults.clients().address(endpoint, folder);
    } catch (KeyFileException e) {
      throw error(Errors.AUTH_FAILED, e.getMessage());
    }
    return new SessionSettings(
        endpoint,
        address,
        Duration.ofMillis((long) (seconds * 1000)),
        p.toxArgs == null ? List.of() : List.copyOf(p.toxArgs),
        p.autoRun == null || p.autoRun,
        onChange,
        new WatchSettings(
            folder,
            w.include == null ? List.of() : w.include,
            w.exclude == null ? List.of() : w.exclude,
            debounce(w.debounceMs),
            null));
  }

  /**
   * {@code watch.debounceMs}: 0 (which the extension's setting allows) means no debounce, a run per
   * change as soon as it is seen; the watcher's shortest quiet period, a millisecond, is that.
   */
  private static Duration debounce(Integer ms) {
    if (ms == null) {
      return WatchSettings.DEFAULT_DEBOUNCE;
    }
    return Duration.ofMillis(Math.max(1, ms));
  }

  /** The workspace folder, watched, and where a local server runs. */
  Path workspace() {
    return watch.root();
  }

  static ResponseErrorException error(int code, String message) {
    return new ResponseErrorException(new ResponseError(code, message, null));
  }
}
