package dev.toxserver.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The scripted stand-in for tox (test resource {@code fake-tox}); its first argument picks a
 * behaviour.
 */
public final class FakeTox {
  private FakeTox() {}

  private static Path extracted;

  /**
   * The script's path. Inside a jar (the bridge's tests use this module's test-jar) it is copied to
   * a temporary file first.
   */
  public static synchronized Path script() {
    URL url = FakeTox.class.getResource("/fake-tox");
    try {
      if ("file".equals(url.getProtocol())) {
        return Path.of(url.toURI());
      }
      if (extracted == null) {
        Path copy = Files.createTempFile("fake-tox", ".sh");
        copy.toFile().deleteOnExit();
        try (InputStream in = url.openStream()) {
          Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        }
        extracted = copy;
      }
      return extracted;
    } catch (URISyntaxException | IOException e) {
      throw new IllegalStateException("Cannot read the fake-tox script at " + url, e);
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
