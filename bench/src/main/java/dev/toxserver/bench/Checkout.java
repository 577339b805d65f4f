package dev.toxserver.bench;

import java.nio.file.Path;

/**
 * The project's checkout whose built programs a benchmark measures: the scripts name it with {@code
 * -Dbench.repo}; without it, the working directory.
 */
public record Checkout(Path root) {
  public static Checkout fromProperty() {
    return new Checkout(Path.of(System.getProperty("bench.repo", "")).toAbsolutePath().normalize());
  }

  /** {@code bridge/bin/bridge}, as users start the bridge. */
  public Path bridgeLauncher() {
    return root.resolve("bridge/bin/bridge");
  }

  /** {@code server/bin/tox-server}, as users start the server. */
  public Path serverLauncher() {
    return root.resolve("server/bin/tox-server");
  }

  /** The server jar that 'mvn package' built, which the launcher runs. */
  public Path serverJar() {
    return root.resolve("server/target/tox-server.jar");
  }
}
