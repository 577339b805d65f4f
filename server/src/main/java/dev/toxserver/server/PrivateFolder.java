package dev.toxserver.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A folder only this user can use (0700, owned by this user, reached without following a symlink at
 * any level this class creates), and the few file operations {@link RunRecords} needs, none of
 * which follows a symlink: what is written there can be trusted as much as this user's own files.
 */
final class PrivateFolder {
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
  private static final FileAttribute<Set<PosixFilePermission>> FOLDER_0700 =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
  private static final FileAttribute<Set<PosixFilePermission>> FILE_0600 =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path path;

  private PrivateFolder(Path path) {
    this.path = path;
  }

  /**
   * {@code base/names…}, each level of {@code names} created 0700 if missing and checked: a real
   * folder (not a symlink), owned by this user; one that others may write is tightened to 0700.
   *
   * @throws UnsafeFolderException when a level is a symlink, not a folder, or someone else's
   */
  static PrivateFolder open(Path base, String... names) throws IOException {
    Files.createDirectories(base, FOLDER_0700);
    Path dir = base;
    for (String name : names) {
      dir = dir.resolve(name);
      try {
        Files.createDirectory(dir, FOLDER_0700);
      } catch (FileAlreadyExistsException e) {
        // checked below, as is a folder we just made
      }
      check(dir);
    }
    return new PrivateFolder(dir);
  }

  private static void check(Path dir) throws IOException {
    PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, NOFOLLOW);
    if (!a.isDirectory()) {
      throw new UnsafeFolderException(
          dir
              + " is a symlink or not a folder: tox-server keeps its run records only in a folder"
              + " of its own. Remove it; the server makes the folder again.");
    }
    OptionalLong me = effectiveUid();
    Object owner = Files.getAttribute(dir, "unix:uid", NOFOLLOW);
    if (me.isPresent() && owner instanceof Integer uid && uid != me.getAsLong()) {
      throw new UnsafeFolderException(
          dir
              + " belongs to uid "
              + uid
              + ", not to this user (uid "
              + me.getAsLong()
              + "): run records there could be anyone's. Remove it, or set XDG_STATE_HOME to a"
              + " folder of your own.");
    }
    if (!a.permissions().equals(PosixFilePermissions.fromString("rwx------"))) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
  }

  /** This process's effective uid, from /proc/self/status; empty without /proc. */
  private static OptionalLong effectiveUid() {
    try {
      for (String line :
          Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.ISO_8859_1)) {
        if (line.startsWith("Uid:")) {
          return OptionalLong.of(Long.parseLong(line.substring(4).trim().split("\\s+")[1]));
        }
      }
    } catch (IOException | RuntimeException e) {
      // no /proc: the owner check is skipped
    }
    return OptionalLong.empty();
  }

  Path path() {
    return path;
  }

  /**
   * Writes {@code name} whole: into a new file of a random name (created 0600, never through a
   * symlink), then renamed over {@code name} (a rename replaces a symlink, it does not follow it).
   */
  void write(String name, byte[] content) throws IOException {
    Path tmp = path.resolve("." + name + "." + HexFormat.of().toHexDigits(RANDOM.nextLong()));
    try (SeekableByteChannel out =
        Files.newByteChannel(
            tmp,
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, NOFOLLOW),
            FILE_0600)) {
      ByteBuffer b = ByteBuffer.wrap(content);
      while (b.hasRemaining()) {
        out.write(b);
      }
    }
    try {
      try {
        Files.move(tmp, path.resolve(name), StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, path.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * The content of {@code file}, at most {@code limit} bytes.
   *
   * @throws IOException when it is a symlink (ELOOP), not a regular file, or larger
   */
  static byte[] read(Path file, int limit) throws IOException {
    if (!Files.isRegularFile(file, NOFOLLOW)) {
      throw new IOException(file + " is not a regular file");
    }
    try (InputStream in =
        Channels.newInputStream(Files.newByteChannel(file, StandardOpenOption.READ, NOFOLLOW))) {
      byte[] b = in.readNBytes(limit + 1);
      if (b.length > limit) {
        throw new IOException(file + " is larger than " + limit + " bytes");
      }
      return b;
    }
  }

  /** The entries whose names end with {@code suffix}, of any kind (symlinks included). */
  List<Path> list(String suffix) throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(path, "*" + suffix)) {
      ds.forEach(files::add);
    }
    return files;
  }

  /** A folder that cannot be trusted to hold this user's private files. */
  static final class UnsafeFolderException extends IOException {
    UnsafeFolderException(String message) {
      super(message);
    }
  }
}
