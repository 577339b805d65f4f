package dev.toxserver.server;

import dev.toxserver.auth.AuthorizedKeys;
import dev.toxserver.auth.ServerKeys;
import dev.toxserver.keys.KeyFileException;
import dev.toxserver.keys.KeyPair;
import dev.toxserver.keys.ProjectKeys;
import dev.toxserver.keys.StateDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * The keys of a server with authentication (CURVE) on: its own key pair and the authorised client
 * keys.
 */
record Authentication(KeyPair serverKeys, AuthorizedKeys authorized) {
  private static final Logger LOG = Logger.getLogger("tox-server");

  /**
   * With authentication on: the server's key pair (made on the first start) and the authorised
   * client keys. Off: null, and only a note when a key file would make clients try CURVE.
   */
  static Authentication load(ServerConfig config) throws ServerStartException {
    Path pub = ProjectKeys.serverPublicFile(config.workdir());
    if (!config.auth()) {
      if (Files.exists(pub)) {
        LOG.warning(
            "Authentication is off, but "
                + pub
                + " exists: clients in this project will use CURVE and fail to connect. Start the"
                + " server with --auth, or connect the clients with --insecure.");
      }
      return null;
    }
    KeyPair serverKeys;
    AuthorizedKeys authorized;
    try {
      StateDir state = StateDir.open(config.workdir());
      serverKeys = ServerKeys.loadOrCreate(state);
      Path dir = state.resolve(ProjectKeys.AUTHORIZED_DIR);
      Files.createDirectories(dir);
      // The server's own key: whoever can read its secret key (the server's user, e.g. a
      // health check in the container) may connect with it.
      authorized = new AuthorizedKeys(dir).alsoAccept(serverKeys.publicKey(), pub);
    } catch (KeyFileException e) {
      throw new ServerStartException(e.getMessage(), e);
    } catch (IOException e) {
      throw new ServerStartException(
          "Cannot set up the server's keys in " + StateDir.of(config.workdir()) + ": " + e, e);
    }
    int n = authorized.size();
    LOG.info(
        "Authentication on (CURVE): clients verify this server by "
            + pub
            + " and are accepted when their public key is in "
            + authorized.dir()
            + " ("
            + (n == 0 ? "none yet" : n + (n == 1 ? " key" : " keys"))
            + "). To authorise a client, run 'bridge auth' on the host in the project folder;"
            + " no restart needed.");
    return new Authentication(serverKeys, authorized);
  }
}
