package dev.toxserver.text;

import java.nio.file.Path;

/**
 * Text that others control — a client's request, a file name in the workspace — as a log line or a
 * message may show it: escaped, so that it can neither forge log lines nor drive the terminal, and
 * (for {@link #excerpt}) short. C0 and C1 control characters are shown as {@code \n}, {@code \r},
 * {@code \t} or {@code \xNN}; format characters (bidirectional overrides, zero-width marks) and
 * line and paragraph separators as {@code \}{@code uXXXX}; a backslash is doubled, so an escape
 * always means one.
 */
public final class LogText {
  /** How many characters of a client's text a log line quotes by default. */
  public static final int MAX_CHARS = 200;

  private LogText() {}

  /** {@code file}'s name as one line of printable characters. */
  public static String escaped(Path file) {
    return escaped(file.toString());
  }

  /** {@code text} as one line of printable characters, whole. */
  public static String escaped(String text) {
    return escape(text, text.length(), new StringBuilder(text.length() + 8)).toString();
  }

  /** {@code text}, escaped, at most {@link #MAX_CHARS} of it. */
  public static String excerpt(Object text) {
    return excerpt(text, MAX_CHARS);
  }

  /**
   * {@code text}, escaped, at most {@code max} characters of it (before escaping); a longer one is
   * cut, never in half a character, and says how long it was.
   */
  public static String excerpt(Object text, int max) {
    String s = String.valueOf(text);
    int end = cutPoint(s, max);
    StringBuilder sb = escape(s, end, new StringBuilder(end + 16));
    if (end < s.length()) {
      sb.append("… (").append(s.length()).append(" chars)");
    }
    return sb.toString();
  }

  /**
   * Where to cut {@code s} to keep at most {@code max} characters of it, never in half a character:
   * its length when it is short enough.
   */
  public static int cutPoint(String s, int max) {
    int end = Math.min(s.length(), max);
    if (end < s.length() && end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return end;
  }

  private static StringBuilder escape(String s, int end, StringBuilder sb) {
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          int type = Character.getType(c);
          if (Character.isISOControl(c)) {
            sb.append(String.format("\\x%02x", (int) c));
          } else if (type == Character.FORMAT
              || type == Character.LINE_SEPARATOR
              || type == Character.PARAGRAPH_SEPARATOR) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb;
  }
}
