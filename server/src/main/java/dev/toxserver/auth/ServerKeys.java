package dev.toxserver.auth;

import dev.toxserver.server.StateDir;
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

  /** The public key's file name in the state folder. */
  public static final String PUBLIC_FILE = "server.key";

  /** The folder of authorised client keys in the state folder. */
  public static final String AUTHORIZED_DIR = "authorized_keys";

  private ServerKeys() {}

  /** Where the public key of the server working in {@code workdir} is. */
  public static Path publicFile(Path workdir) {
    return StateDir.of(workdir).resolve(PUBLIC_FILE);
  }

  /**
   * The key pair in {@code state}, made if there is none. A public file missing next to its secret
   * is written again from it; a broken or mismatching file is an error, never silently replaced
   * (clients may trust the old key).
   */
  public static KeyPair loadOrCreate(StateDir state) throws KeyFileException, IOException {
    Path pub = state.resolve(PUBLIC_FILE);
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
      pair = KeyFiles.readPair(secret);
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
      published = KeyFiles.readPublic(pub);
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
