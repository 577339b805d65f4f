package dev.toxserver.client;

import dev.toxserver.keys.ClientKeys;
import dev.toxserver.keys.KeyFileException;
import dev.toxserver.keys.KeyFiles;
import dev.toxserver.keys.KeyPair;
import dev.toxserver.keys.ProjectKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * How every client command connects — plaintext or CURVE, with which keys — decided in one place
 * for {@code run}, {@code ping}, {@code quit}, {@code cancel}, {@code watch} and {@code stdio}:
 *
 * <ol>
 *   <li>{@code --insecure}: plaintext, whatever key files exist;
 *   <li>{@code --server-key FILE} (env {@code TOX_SERVER_KEY}): CURVE, verifying the server by the
 *       public key in FILE;
 *   <li>else CURVE when the project has {@code .tox-server/server.key} (the server made it because
 *       it runs with authentication), plaintext when it does not.
 * </ol>
 *
 * A CURVE client authenticates with this user's key pair ({@link ClientKeys}). Nothing here ever
 * falls back from CURVE to plaintext: a server that disagrees gets a clear error instead.
 *
 * @param serverKey the server's public key file given on the command line or in the environment
 * @param insecure connect without authentication even where a server key exists
 * @param env the environment (where the user's config folder is)
 * @param serverPairAllowed whether the client uses the server's own key pair when it can read the
 *     server's secret key file (before any key pair of the user's): {@code tox-server}'s client
 *     commands, run as the server's user in the container (health checks); never the bridge
 */
public record ClientSetup(
    Path serverKey, boolean insecure, Map<String, String> env, boolean serverPairAllowed) {

  /**
   * Where and how to connect to {@code endpoint} for the project in {@code project}.
   *
   * @throws KeyFileException when CURVE is called for and a key is missing or unusable (the message
   *     says what to do)
   */
  public ServerAddress address(String endpoint, Path project) throws KeyFileException {
    if (insecure) {
      return ServerAddress.plain(endpoint);
    }
    Path file = serverKey;
    if (file == null) {
      Path inProject = ProjectKeys.serverPublicFile(project);
      if (!Files.exists(inProject)) {
        return ServerAddress.plain(endpoint);
      }
      file = inProject;
    }
    byte[] serverPublic;
    try {
      serverPublic = KeyFiles.readPublic(file);
    } catch (KeyFileException e) {
      throw new KeyFileException(
          file,
          "Cannot read the server's public key: "
              + e.getMessage()
              + " It is written by the server (started with authentication) in its project's"
              + " .tox-server/ folder; give the right file with --server-key, or connect without"
              + " authentication with --insecure if the server runs without it.",
          e);
    }
    ClientKeys own = ClientKeys.of(env);
    KeyPair pair;
    String pairSource;
    Path serverSecret = KeyFiles.secretFile(file);
    // In the container, tox-server's own client commands (health checks, the start-up hook's ping)
    // are the server's side: its key pair, which it always accepts, works whatever keys of their
    // own the user has and whether or not those are authorised in this project.
    if (serverPairAllowed && Files.isReadable(serverSecret)) {
      pair = KeyFiles.readPair(serverSecret);
      pairSource = serverSecret.toString();
    } else {
      pair = own.load();
      pairSource = own.publicFile().toString();
    }
    return new ServerAddress(
        endpoint,
        new CurveKeys(
            serverPublic, pair.publicKey(), pair.secretKey(), file.toString(), pairSource));
  }
}
