package dev.toxserver.auth;

import dev.toxserver.keys.KeyFileException;
import dev.toxserver.keys.KeyFiles;
import dev.toxserver.keys.KeyPair;
import dev.toxserver.keys.ProjectKeys;
import dev.toxserver.keys.StateDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.logging.Logger;

/**
 * The server's key pair in the project: {@code .tox-server/server.key} (the public key, which
 * clients verify the server by) and {@code .tox-server/server.key_secret} (mode 0600), made on the
 * first start with authentication on.
 */
public final class ServerKeys {
  private static final Logger LOG = Logger.getLogger("tox-server");

  private ServerKeys() {}

  /**
   * The key pair in {@code state}, made if there is none. A public file missing next to its secret
   * is written again from it; a broken or mismatching file is an error, never silently replaced
   * (clients may trust the old key).
   */
  public static KeyPair loadOrCreate(StateDir state) throws KeyFileException, IOException {
    Path pub = state.resolve(ProjectKeys.PUBLIC_FILE);
    Path secret = KeyFiles.secretFile(pub);
    if (!Files.exists(secret)) {
      KeyPair pair = KeyPair.generate();
      KeyFiles.writePair(pub, pair);
      LOG.info(
          "Made the server's key pair: " + pub + " (public) and " + secret + " (secret, 0600)");
      return pair;
    }
    KeyPair pair;
    try {
      pair = KeyFiles.readPairNoFollow(secret);
    } catch (KeyFileException e) {
      throw new KeyFileException(
          secret,
          "The server's secret key is unusable: "
              + e.getMessage()
              + " Delete "
              + secret
              + " and "
              + pub
              + " to make a new key pair (clients pick the new public key up from the same"
              + " folder).",
          e);
    }
    if (!Files.exists(pub)) {
      KeyFiles.writePublic(pub, pair.publicKey());
      LOG.info("Wrote the server's public key again: " + pub);
      return pair;
    }
    byte[] published;
    try {
      published = KeyFiles.readPublicNoFollow(pub);
    } catch (KeyFileException e) {
      throw new KeyFileException(
          pub,
          "The server's public key file is unusable: "
              + e.getMessage()
              + " Delete it: the server writes it again from "
              + secret
              + ".",
          e);
    }
    if (!Arrays.equals(published, pair.publicKey())) {
      throw new KeyFileException(
          pub,
          pub
              + " does not hold the public key of "
              + secret
              + " (one of them was replaced): clients would not recognise this server. Delete "
              + pub
              + ": the server writes it again from the secret key file.");
    }
    return pair;
  }
}
