package dev.toxserver.keys;

import dev.toxserver.text.LogText;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.zeromq.ZCert;
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

  /** Key files are tiny; anything larger is not one. */
  public static final int MAX_BYTES = 64 * 1024;

  /** The public key in {@code file}. */
  public static byte[] readPublic(Path file) throws KeyFileException {
    return parsePublic(file, read(file, true));
  }

  /**
   * The public key in {@code file}, which must not be a symbolic link (for files in the project,
   * which whoever can write the project may replace by a link to anything).
   */
  public static byte[] readPublicNoFollow(Path file) throws KeyFileException {
    return parsePublic(file, read(file, false));
  }

  /** The key pair in a {@code _secret} file, checked to belong together. */
  public static KeyPair readPair(Path file) throws KeyFileException {
    return parsePair(file, read(file, true));
  }

  /** {@link #readPair}, for a file that must not be a symbolic link. */
  public static KeyPair readPairNoFollow(Path file) throws KeyFileException {
    return parsePair(file, read(file, false));
  }

  /**
   * The public key in {@code content}, the bytes of {@code file}. Errors name the file and never
   * quote its content (which may be anything, e.g. a file a link pointed at).
   */
  public static byte[] parsePublic(Path file, byte[] content) throws KeyFileException {
    return key(file, parse(file, content), "public-key");
  }

  private static KeyPair parsePair(Path file, byte[] content) throws KeyFileException {
    Map<String, String> curve = parse(file, content);
    KeyPair pair = new KeyPair(key(file, curve, "public-key"), key(file, curve, "secret-key"));
    if (!pair.consistent()) {
      throw new KeyFileException(
          file,
          LogText.escaped(file)
              + ": its public-key does not belong to its secret-key (the file was edited).");
    }
    return pair;
  }

  /**
   * The file's bytes, at most {@link #MAX_BYTES}.
   *
   * @param follow whether a symbolic link is followed; if not, a link is an error
   */
  public static byte[] read(Path file, boolean follow) throws KeyFileException {
    LinkOption[] links = follow ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
    String name = LogText.escaped(file);
    if (!follow && Files.isSymbolicLink(file)) {
      throw new KeyFileException(
          file, name + " is a symbolic link: key files are read only when they are plain files.");
    }
    if (!Files.isRegularFile(file, links)) {
      throw new KeyFileException(file, name + " does not exist or is not a file.");
    }
    Set<OpenOption> options =
        follow
            ? Set.of(StandardOpenOption.READ)
            : Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    try (SeekableByteChannel ch = Files.newByteChannel(file, options)) {
      ByteBuffer buf = ByteBuffer.allocate(MAX_BYTES + 1);
      while (buf.hasRemaining() && ch.read(buf) >= 0) {
        // read on
      }
      if (buf.position() > MAX_BYTES) {
        throw new KeyFileException(
            file, name + " is larger than " + MAX_BYTES + " bytes: it is not a key file.");
      }
      return Arrays.copyOf(buf.array(), buf.position());
    } catch (IOException e) {
      throw new KeyFileException(
          file, name + " cannot be read (" + e.getClass().getSimpleName() + ").", e);
    }
  }

  /**
   * The {@code curve} section of a ZeroMQ certificate (ZPL: a top-level {@code curve} line, then
   * {@code name = "value"} lines indented by four spaces), as ZCert writes it.
   */
  private static Map<String, String> parse(Path file, byte[] content) throws KeyFileException {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(content))
              .toString();
    } catch (CharacterCodingException e) {
      throw new KeyFileException(
          file, LogText.escaped(file) + " is not text: it is not a ZeroMQ certificate.");
    }
    Map<String, String> curve = new HashMap<>();
    String section = null;
    int n = 0;
    for (String line : text.split("\\r?\\n", -1)) {
      n++;
      if (line.isBlank() || line.stripLeading().startsWith("#")) {
        continue;
      }
      Matcher m = ZPL_LINE.matcher(line);
      if (!m.matches()) {
        throw new KeyFileException(
            file,
            LogText.escaped(file)
                + " cannot be read as a ZeroMQ certificate: line "
                + n
                + " is not ZPL.");
      }
      String indent = m.group(1);
      String name = m.group(2);
      if (indent.isEmpty()) {
        section = name;
      } else if ("curve".equals(section) && indent.length() == 4 && m.group(3) != null) {
        String value = m.group(4) != null ? m.group(4) : m.group(5).trim();
        curve.putIfAbsent(name, value);
      }
    }
    return curve;
  }

  /** Indentation, a name, and an optional {@code = "value"} or {@code = value}. */
  private static final Pattern ZPL_LINE =
      Pattern.compile(
          "( *)([A-Za-z0-9$\\-_@.&+/]+)\\s*(=\\s*(?:\"([^\"]*)\"|([^#\"]*)))?\\s*(#.*)?");

  private static byte[] key(Path file, Map<String, String> curve, String name)
      throws KeyFileException {
    String z85 = curve.get(name);
    String shown = LogText.escaped(file);
    if (z85 == null || z85.isEmpty()) {
      throw new KeyFileException(
          file, shown + " has no curve " + name + ": it is not a ZeroMQ certificate.");
    }
    if (z85.length() != ZMQ.Curve.KEY_SIZE_Z85) {
      throw new KeyFileException(
          file,
          shown
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
      throw new KeyFileException(file, shown + ": its curve " + name + " is not valid Z85.");
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
