package dev.toxserver.support;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The scripted stand-in for tox (test resource {@code fake-tox}); its first argument picks a
 * behaviour.
 */
public final class FakeTox {
  private FakeTox() {}

  /** The script's path. */
  public static Path script() {
    try {
      return Path.of(FakeTox.class.getResource("/fake-tox").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The server command that runs the script (no shell in the server: sh runs the script). */
  public static List<String> command() {
    return List.of("/bin/sh", script().toString());
  }

  /** The same, with every run's arguments appended to {@code log} (one line per run). */
  public static List<String> loggingTo(Path log) {
    List<String> c = new ArrayList<>();
    c.add("env");
    c.add("FAKE_TOX_LOG=" + log);
    c.addAll(command());
    return c;
  }
}
