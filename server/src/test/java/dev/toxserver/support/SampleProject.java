package dev.toxserver.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** The bundled {@code examples/sample-project} (tox, no packaging, no network). */
public final class SampleProject {
  private SampleProject() {}

  /** Where it is in the repository, found from the working directory upwards. */
  public static Path source() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("examples/sample-project"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException(
          "examples/sample-project not found above " + Path.of("").toAbsolutePath());
    }
    return p.resolve("examples/sample-project");
  }

  /** A fresh copy in {@code to}, without tox environments or bytecode caches. */
  public static Path copyTo(Path to) throws IOException {
    Path from = source();
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path rel = from.relativize(f);
        if (rel.toString().startsWith(".tox") || rel.toString().contains("__pycache__")) {
          continue;
        }
        Path target = to.resolve(rel.toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return to;
  }
}
