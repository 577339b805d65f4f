package dev.toxserver.keys;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.zeromq.ZCert;
import org.zeromq.ZConfig;
import org.zeromq.ZMQ;

/**
 * Reads and writes key files in the format of ZeroMQ certificates ({@code ZCert}): ZPL text with a
 * {@code curve} section holding {@code public-key} (and in the {@code _secret} file {@code
 * secret-key}) as 40 characters of Z85. {@code ZAuth.configureCurve} and {@code ZCertStore} read
 * the same files.
 *
 * <p>Files are written whole or not at all: to a hidden temporary file created with its final
 * permissions (0600 for secret keys), then renamed, so a secret key is never readable by others and
 * a reader never sees half a key.
 */
public final class KeyFiles {
  /** The suffix ZCert gives the file with the secret key. */
  public static final String SECRET_SUFFIX = "_secret";

  private KeyFiles() {}

  /** The public key in {@code file}. */
  public static byte[] readPublic(Path file) throws KeyFileException {
    return key(file, load(file), "public-key");
  }

  /** The key pair in a {@code _secret} file, checked to belong together. */
  public static KeyPair readPair(Path file) throws KeyFileException {
    ZConfig zpl = load(file);
    KeyPair pair = new KeyPair(key(file, zpl, "public-key"), key(file, zpl, "secret-key"));
    if (!pair.consistent()) {
      throw new KeyFileException(
          file, file + ": its public-key does not belong to its secret-key (the file was edited).");
    }
    return pair;
  }

  private static ZConfig load(Path file) throws KeyFileException {
    if (!Files.isRegularFile(file)) {
      throw new KeyFileException(file, file + " does not exist or is not a file.");
    }
    try {
      return ZConfig.load(file.toString());
    } catch (IOException | RuntimeException e) {
      throw new KeyFileException(
          file, file + " cannot be read as a ZeroMQ certificate: " + e.getMessage(), e);
    }
  }

  private static byte[] key(Path file, ZConfig zpl, String name) throws KeyFileException {
    String z85 = zpl.getValue("curve/" + name);
    if (z85 == null || z85.isEmpty()) {
      throw new KeyFileException(
          file, file + " has no curve " + name + ": it is not a ZeroMQ certificate.");
    }
    if (z85.length() != ZMQ.Curve.KEY_SIZE_Z85) {
      throw new KeyFileException(
          file,
          file
              + ": its curve "
              + name
              + " is not a key ("
              + ZMQ.Curve.KEY_SIZE_Z85
              + " characters of Z85 expected, found "
              + z85.length()
              + ").");
    }
    byte[] key;
    try {
      key = ZMQ.Curve.z85Decode(z85);
    } catch (RuntimeException e) {
      key = null;
    }
    if (key == null || key.length != ZMQ.Curve.KEY_SIZE) {
      throw new KeyFileException(file, file + ": its curve " + name + " is not valid Z85.");
    }
    return key;
  }

  /** Writes {@code publicKey} to {@code file} (mode 0644), replacing it. */
  public static void writePublic(Path file, byte[] publicKey) throws IOException {
    StringWriter text = new StringWriter();
    new ZCert(ZMQ.Curve.z85Encode(publicKey), null).savePublic(text);
    write(file, text.toString(), "rw-r--r--");
  }

  /** Writes the pair to {@code file} (mode 0600), replacing it. */
  public static void writeSecret(Path file, KeyPair pair) throws IOException {
    StringWriter text = new StringWriter();
    new ZCert(pair.publicKey(), pair.secretKey()).saveSecret(text);
    write(file, text.toString(), "rw-------");
  }

  /**
   * Writes a key pair as ZCert does: {@code base} with the public key and {@code base_secret} with
   * both. The secret file comes first, so a public file never names a key whose secret was lost.
   */
  public static void writePair(Path base, KeyPair pair) throws IOException {
    writeSecret(secretFile(base), pair);
    writePublic(base, pair.publicKey());
  }

  /** {@code base_secret}. */
  public static Path secretFile(Path base) {
    return base.resolveSibling(base.getFileName() + SECRET_SUFFIX);
  }

  private static void write(Path file, String text, String mode) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp;
    try {
      tmp =
          Files.createTempFile(
              dir,
              "." + file.getFileName() + ".",
              ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
    } catch (UnsupportedOperationException e) {
      tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
    }
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Creates {@code dir} (and its parents) readable by its owner only, if missing. */
  public static void createPrivateDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Files.createDirectories(dir.toAbsolutePath().getParent());
    try {
      Files.createDirectory(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (FileAlreadyExistsException e) {
      // Made by someone else meanwhile: fine.
    } catch (UnsupportedOperationException e) {
      Files.createDirectories(dir);
    }
  }
}
