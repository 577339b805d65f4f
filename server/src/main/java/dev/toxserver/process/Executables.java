package dev.toxserver.process;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds programs the way a shell's PATH lookup does, without a shell. */
public final class Executables {
  private Executables() {}

  /**
   * The executable {@code name} resolves to: a path when it contains a slash (relative to {@code
   * workdir}), otherwise the first match on {@code PATH}.
   */
  public static Path resolve(String name, Path workdir) throws CommandNotFoundException {
    if (name.isEmpty()) {
      throw new CommandNotFoundException("The command is empty.");
    }
    if (name.contains("/")) {
      Path p = workdir.resolve(name).normalize();
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
      throw new CommandNotFoundException("'" + name + "' (" + p + ") is not an executable file.");
    }
    return onPath(name)
        .orElseThrow(
            () ->
                new CommandNotFoundException(
                    "'"
                        + name
                        + "' was not found on PATH ("
                        + System.getenv().getOrDefault("PATH", "")
                        + ")."
                        + ("tox".equals(name)
                            ? " Install tox (e.g. 'apt-get install tox' or 'pip install tox')"
                                + " or choose another command with --command."
                            : " Install it or give its full path.")));
  }

  /** The first executable called {@code name} in the directories of PATH. */
  public static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
