package dev.toxserver.bridge;

import java.util.Map;

/** What we know about the terminal we write to. */
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
}
