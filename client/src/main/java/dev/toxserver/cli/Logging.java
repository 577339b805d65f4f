package dev.toxserver.cli;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/** One-line logs to stderr, with the level names users know from the Python tool. */
public final class Logging {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

  private Logging() {}

  /**
   * Installs {@link KeepAtShutdown} as the JDK's log manager. Call first thing in {@code main},
   * before any logger exists.
   */
  public static void keepLoggingAtShutdown() {
    System.setProperty("java.util.logging.manager", KeepAtShutdown.class.getName());
  }

  /**
   * The JDK's log manager resets (silences) every logger in a shutdown hook of its own, which would
   * swallow what the server says while it stops on SIGTERM. This one ignores that reset.
   */
  public static final class KeepAtShutdown extends LogManager {
    @Override
    public void reset() {
      // Only the shutdown hook and configuration reloads call this; we configure once, in code.
    }
  }

  /** Parses DEBUG, INFO, WARNING (WARN), ERROR, CRITICAL, case-insensitively. */
  public static Level parseLevel(String name) {
    switch (name.trim().toUpperCase(Locale.ROOT)) {
      case "DEBUG":
        return Level.FINE;
      case "INFO":
        return Level.INFO;
      case "WARNING":
      case "WARN":
        return Level.WARNING;
      case "ERROR":
      case "CRITICAL":
        return Level.SEVERE;
      default:
        throw new IllegalArgumentException(
            "unknown log level '" + name + "' (use DEBUG, INFO, WARNING or ERROR)");
    }
  }

  private static String levelName(Level l) {
    if (l.intValue() >= Level.SEVERE.intValue()) {
      return "ERROR";
    }
    if (l.intValue() >= Level.WARNING.intValue()) {
      return "WARNING";
    }
    if (l.intValue() >= Level.INFO.intValue()) {
      return "INFO";
    }
    return "DEBUG";
  }

  /** Sends every logger's records at {@code level} and above to {@code err}, one line each. */
  public static void configure(Level level, PrintStream err) {
    Logger root = Logger.getLogger("");
    for (var h : root.getHandlers()) {
      root.removeHandler(h);
    }
    Formatter formatter =
        new Formatter() {
          @Override
          public String format(LogRecord r) {
            StringBuilder sb =
                new StringBuilder()
                    .append(LocalTime.now().format(TIME))
                    .append(' ')
                    .append(levelName(r.getLevel()))
                    .append(' ')
                    .append(r.getLoggerName())
                    .append(": ")
                    .append(formatMessage(r))
                    .append(System.lineSeparator());
            if (r.getThrown() != null && level.intValue() <= Level.FINE.intValue()) {
              java.io.StringWriter w = new java.io.StringWriter();
              r.getThrown().printStackTrace(new java.io.PrintWriter(w));
              sb.append(w);
            }
            return sb.toString();
          }
        };
    // A StreamHandler of our own: ConsoleHandler.setOutputStream would close System.err.
    StreamHandler handler =
        new StreamHandler(err, formatter) {
          @Override
          public synchronized void publish(LogRecord record) {
            super.publish(record);
            flush();
          }
        };
    handler.setLevel(level);
    root.addHandler(handler);
    root.setLevel(level);
    // jeromq logs nothing through JUL; our own loggers inherit the root level.
  }
}
