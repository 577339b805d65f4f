package dev.toxserver.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The server's own folder in the project, {@code <workdir>/.tox-server/}: what it keeps between
 * starts (its key pair, the keys it accepts, the runs it started). The workspace is usually
 * bind-mounted from the host, which is what lets the host side read and write it too. It holds a
 * {@code .gitignore} of {@code *}, so nothing in it is ever committed.
 */
public final class StateDir {
  /** The folder's name inside the working directory. */
  public static final String NAME = ".tox-server";

  private final Path path;

  private StateDir(Path path) {
    this.path = path;
  }

  /** The folder of {@code workdir}, created (with its .gitignore) if missing. */
  public static StateDir open(Path workdir) throws IOException {
    Path dir = workdir.toAbsolutePath().normalize().resolve(NAME);
    Files.createDirectories(dir);
    Path ignore = dir.resolve(".gitignore");
    if (!Files.exists(ignore)) {
      Files.writeString(
          ignore, "# tox-server's keys and state: never commit them\n*\n", StandardCharsets.UTF_8);
    }
    return new StateDir(dir);
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
}
