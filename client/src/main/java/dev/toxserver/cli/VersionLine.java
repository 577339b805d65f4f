package dev.toxserver.cli;

import dev.toxserver.protocol.Protocol;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** What {@code --version} prints: the version baked in at build time and the protocol's. */
public final class VersionLine {
  private VersionLine() {}

  /** {@code PROGRAM VERSION (tox-server protocol v1, extension v2)}. */
  public static String of(String program) throws IOException {
    try (InputStream in = VersionLine.class.getResourceAsStream("version.txt")) {
      String v =
          in == null ? "unknown" : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      return program + " " + v + " (tox-server protocol v1, extension v" + Protocol.VERSION + ")";
    }
  }
}
