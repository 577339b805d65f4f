package dev.toxserver.keys;

import java.nio.file.Path;

/**
 * File names as they may appear in a log line or a message: control and format characters (a
 * newline that would start a forged log line, a terminal escape, a bidirectional override) are
 * shown escaped, {@code \n} or {@code \}{@code u202e}, and a backslash as {@code \\}. Anyone who
 * can write the project chooses the names in its {@code authorized_keys/}.
 */
public final class SafeNames {
  private SafeNames() {}

  /** {@code file} as text that is one line of printable characters. */
  public static String of(Path file) {
    return of(file.toString());
  }

  /** {@code name} as text that is one line of printable characters. */
  public static String of(String name) {
    StringBuilder out = null;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      String escaped = escape(c);
      if (escaped != null && out == null) {
        out = new StringBuilder(name.length() + 8).append(name, 0, i);
      }
      if (out != null) {
        if (escaped != null) {
          out.append(escaped);
        } else {
          out.append(c);
        }
      }
    }
    return out == null ? name : out.toString();
  }

  private static String escape(char c) {
    switch (c) {
      case '\n':
        return "\\n";
      case '\r':
        return "\\r";
      case '\t':
        return "\\t";
      case '\\':
        return "\\\\";
      default:
        break;
    }
    int type = Character.getType(c);
    if (Character.isISOControl(c)
        || type == Character.FORMAT
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR) {
      return String.format("\\u%04x", (int) c);
    }
    return null;
  }
}
