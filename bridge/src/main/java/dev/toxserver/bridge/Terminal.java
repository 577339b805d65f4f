package dev.toxserver.bridge;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** What we know about the terminal we write to, and how our own lines reach it. */
final class Terminal {
  private Terminal() {}

  /**
   * Whether messages on stderr may be coloured: stderr is a terminal (the launcher tests it and
   * sets {@code -Dbridge.stderrIsTerminal}; without the launcher, a console counts) and {@code
   * NO_COLOR} (no-color.org) is not set.
   */
  static boolean colorOnStderr(Map<String, String> env) {
    String noColor = env.get("NO_COLOR");
    if (noColor != null && !noColor.isEmpty()) {
      return false;
    }
    String tty = System.getProperty("bridge.stderrIsTerminal");
    return tty != null ? Boolean.parseBoolean(tty) : System.console() != null;
  }

  /** Writes {@code line} and a newline to {@code err} at once. */
  static void say(OutputStream err, String line) {
    write(err, line + "\n");
  }

  /** Writes {@code text} to {@code err} at once. */
  static void write(OutputStream err, String text) {
    try {
      err.write(text.getBytes(StandardCharsets.UTF_8));
      err.flush();
    } catch (IOException e) {
      // stderr is gone: nowhere left to say it.
    }
  }
}
