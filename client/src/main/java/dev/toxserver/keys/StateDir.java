package dev.toxserver.keys;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The server's own folder in the project, {@code <workdir>/.tox-server/}: what it keeps between
 * starts (its key pair, the keys it accepts). The workspace is usually bind-mounted from the host,
 * which is what lets the host side read and write it too — and so does whatever else can write the
 * project. It holds a {@code .gitignore} of {@code *}, so nothing in it is ever committed.
 *
 * <p>Opening it follows no symlink: the folder must be a real one, and a {@code .gitignore} that is
 * a symlink (dangling or not) is left as it is rather than written through.
 */
public final class StateDir {
  private static final Logger LOG = Logger.getLogger("tox-server");

  /** The folder's name inside the working directory. */
  public static final String NAME = ".tox-server";

  private final Path path;

  private StateDir(Path path) {
    this.path = path;
  }

  /**
   * The folder of {@code workdir}, created (with its .gitignore) if missing. A folder that every
   * user may write is logged as a warning: anyone on the machine could authorise a key in it.
   *
   * @throws UnsafeStateDirException when {@code .tox-server} is a symlink or not a folder
   */
  public static StateDir open(Path workdir) throws IOException {
    Path dir = of(workdir);
    try {
      Files.createDirectory(dir);
    } catch (FileAlreadyExistsException e) {
      // checked below
    }
    PosixFileAttributes a =
        Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!a.isDirectory()) {
      throw new UnsafeStateDirException(
          dir
              + " is "
              + (a.isSymbolicLink() ? "a symlink" : "not a folder")
              + ": tox-server does not follow it. Replace it with a real folder (or remove it).");
    }
    if (a.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
      LOG.warning(
          dir
              + " is writable by every user of this machine, so anyone here can authorise a key"
              + " in it. Run: chmod o-w "
              + dir);
    }
    writeGitignore(dir.resolve(".gitignore"));
    return new StateDir(dir);
  }

  /** Creates the .gitignore unless something (a file, a symlink) is already there. */
  private static void writeGitignore(Path ignore) throws IOException {
    if (Files.exists(ignore, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    // CREATE_NEW is O_EXCL, which fails on any symlink, dangling ones included.
    try (SeekableByteChannel out =
        Files.newByteChannel(
            ignore,
            Set.of(
                StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS))) {
      out.write(
          ByteBuffer.wrap(
              "# tox-server's keys and state: never commit them\n*\n"
                  .getBytes(StandardCharsets.UTF_8)));
    } catch (FileAlreadyExistsException e) {
      // made meanwhile: left as it is
    }
  }

  /** Where the folder of {@code workdir} is, without creating anything. */
  public static Path of(Path workdir) {
    return workdir.toAbsolutePath().normalize().resolve(NAME);
  }

  public Path path() {
    return path;
  }

  /** A file or folder inside it. */
  public Path resolve(String name) {
    return path.resolve(name);
  }

  /** A {@code .tox-server} that is a symlink or not a folder. */
  public static final class UnsafeStateDirException extends IOException {
    public UnsafeStateDirException(String message) {
      super(message);
    }
  }
}
