package dev.toxserver.keys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * This user's client key pair: {@code ${XDG_CONFIG_HOME:-~/.config}/tox-server/client.key} (public)
 * and {@code client.key_secret} (mode 0600, in a 0700 folder). {@code bridge auth} makes it; every
 * CURVE client of this user uses it.
 */
public final class ClientKeys {
  /** The public key's file name. */
  public static final String PUBLIC_FILE = "client.key";

  private final Path publicFile;

  private ClientKeys(Path publicFile) {
    this.publicFile = publicFile;
  }

  /** The key files of the user whose environment is {@code env}. */
  public static ClientKeys of(Map<String, String> env) {
    String xdg = env.get("XDG_CONFIG_HOME");
    Path config;
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
      config = Path.of(xdg); // the XDG spec: a relative value is to be ignored
    } else {
      String home = env.getOrDefault("HOME", System.getProperty("user.home"));
      config = Path.of(home, ".config");
    }
    return new ClientKeys(config.resolve("tox-server").resolve(PUBLIC_FILE));
  }

  /** {@code client.key}. */
  public Path publicFile() {
    return publicFile;
  }

  /** {@code client.key_secret}. */
  public Path secretFile() {
    return KeyFiles.secretFile(publicFile);
  }

  /** Whether the pair exists (its secret file does). */
  public boolean exist() {
    return Files.exists(secretFile());
  }

  /**
   * The key pair.
   *
   * @throws KeyFileException when there is none yet (run 'bridge auth') or it is unusable
   */
  public KeyPair load() throws KeyFileException {
    if (!exist()) {
      throw new KeyFileException(
          secretFile(),
          "This client has no key yet ("
              + secretFile()
              + " does not exist), and the server requires one: run 'bridge auth' in the project"
              + " folder on the host to make it and authorise it.");
    }
    try {
      return KeyFiles.readPair(secretFile());
    } catch (KeyFileException e) {
      throw new KeyFileException(
          e.file(),
          "This client's key is unusable: "
              + e.getMessage()
              + " Delete "
              + publicFile
              + " and "
              + secretFile()
              + ", then run 'bridge auth' in the project again to make and authorise a new pair.",
          e);
    }
  }

  /** The key pair, made first if there is none; true in {@code made[0]} when it was made. */
  public KeyPair loadOrCreate(boolean[] made) throws KeyFileException, IOException {
    if (exist()) {
      return load();
    }
    KeyFiles.createPrivateDirectory(publicFile.getParent());
    KeyPair pair = KeyPair.generate();
    KeyFiles.writePair(publicFile, pair);
    made[0] = true;
    return pair;
  }
}
