package dev.toxserver.servercli;

import java.util.Map;
import picocli.CommandLine.Option;

/** {@code -b/--bind-host}: where {@code serve} listens; given before or after {@code serve}. */
final class BindOption {
  @Option(
      names = {"-b", "--bind-host"},
      paramLabel = "ADDR",
      description =
          "Address the server listens on (env TOX_SERVER_BIND_HOST; default 127.0.0.1). Anything"
              + " but loopback turns authentication on unless --insecure is given.")
  String bindHost;

  /** This command's value, then its parent's, then the environment, then loopback. */
  static String resolve(BindOption own, BindOption parent, Map<String, String> env) {
    if (own.bindHost != null) {
      return own.bindHost;
    }
    if (parent != null && parent.bindHost != null) {
      return parent.bindHost;
    }
    String fromEnv = env.get("TOX_SERVER_BIND_HOST");
    return fromEnv == null || fromEnv.isBlank() ? "127.0.0.1" : fromEnv;
  }
}
