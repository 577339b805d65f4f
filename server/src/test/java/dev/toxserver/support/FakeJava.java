package dev.toxserver.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A stand-in for an installed Java of some version, for the launchers' version check: its {@code
 * java} says the version when asked ({@code -version}, on stderr, as a JDK does) and writes the
 * arguments of every call to a log, so a test can tell whether anything was run with it.
 */
public final class FakeJava {
  private final Path java;
  private final Path log;

  private FakeJava(Path java, Path log) {
    this.java = java;
    this.log = log;
  }

  /**
   * A JDK's layout: {@code home/bin/java} and {@code home/release} naming the version, as in {@code
   * JAVA_HOME}.
   */
  public static FakeJava jdk(Path home, String version) throws IOException {
    FakeJava fake = create(home.resolve("bin"), home.resolve("calls.log"), version);
    Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
    return fake;
  }

  /**
   * A lone {@code dir/java} without a release file beside it: only running it tells its version.
   */
  public static FakeJava alone(Path dir, String version) throws IOException {
    return create(dir, dir.resolve("calls.log"), version);
  }

  private static FakeJava create(Path bin, Path log, String version) throws IOException {
    Files.createDirectories(bin);
    Path java = bin.resolve("java");
    Files.writeString(
        java,
        "#!/bin/sh\n"
            + "printf '%s\\n' \"$*\" >>'"
            + log
            + "'\n"
            + "echo 'openjdk version \""
            + version
            + "\" 2024-01-16' >&2\n"
            + "echo 'OpenJDK Runtime Environment (build "
            + version
            + ")' >&2\n",
        StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    return new FakeJava(java.toRealPath(), log);
  }

  /** The {@code java} executable, its real path. */
  public Path java() {
    return java;
  }

  /** The folder of {@code java}, for {@code PATH}. */
  public Path bin() {
    return java.getParent();
  }

  /** The folder above {@code bin}, for {@code JAVA_HOME}. */
  public Path home() {
    return bin().getParent();
  }

  /** The arguments of each time {@code java} ran, in order. */
  public List<String> calls() throws IOException {
    return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
  }
}
