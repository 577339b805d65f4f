package dev.toxserver.server;

/**
 * What the server's log may quote of anything a client (or a workspace file) controls: short, and
 * escaped so that it can neither forge log lines nor drive the terminal. Control characters (C0,
 * DEL, C1), line and paragraph separators and bidirectional overrides are shown as {@code \n},
 * {@code \xNN} or {@code \}{@code uXXXX}, never written; a backslash is doubled, so an escape in
 * the log always means one. Anything longer than the limit is cut and says how long it was.
 */
public final class LogExcerpt {
  /** How many characters of a client's text a log line quotes by default. */
  public static final int MAX_CHARS = 200;

  private LogExcerpt() {}

  /** {@code text}, escaped, at most {@link #MAX_CHARS} of it. */
  public static String of(Object text) {
    return of(text, MAX_CHARS);
  }

  /** {@code text}, escaped, at most {@code max} characters of it (before escaping). */
  public static String of(Object text, int max) {
    String s = String.valueOf(text);
    int end = Math.min(s.length(), max);
    if (end < s.length() && end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
      end--; // never half a character
    }
    StringBuilder sb = new StringBuilder(end + 16);
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
            sb.append(String.format("\\x%02x", (int) c));
          } else if (unsafe(c)) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    if (end < s.length()) {
      sb.append("… (").append(s.length()).append(" chars)");
    }
    return sb.toString();
  }

  /** Characters that end lines or reorder text on a terminal, and lone surrogate halves. */
  private static boolean unsafe(char c) {
    return c == '\u2028'
        || c == '\u2029'
        || (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069')
        || c == '\u200e'
        || c == '\u200f'
        || c == '\u061c'
        || c == '\ufeff';
  }
}
