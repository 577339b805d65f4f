package dev.toxserver.server;

import dev.toxserver.protocol.Route;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * How many log lines about clients' requests (bad requests, dropped messages, failed handlers) the
 * server writes: at most {@link #PER_CLIENT} per client and {@link #ALL_CLIENTS} for all clients
 * together in each {@link #WINDOW_SECONDS}-second window (a client that reconnects is a new client
 * to ZeroMQ, hence the overall limit). The line that reaches a limit says so; what follows in that
 * window is not logged, and the next line after it says how many were left out. Bounded memory: the
 * windows of the most recent {@link #TRACKED} clients.
 */
final class ClientLogLimit {
  static final int PER_CLIENT = 5;
  static final int ALL_CLIENTS = 50;
  static final long WINDOW_SECONDS = 10;
  static final int TRACKED = 1024;

  private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(WINDOW_SECONDS);

  /** One client's (or everyone's) window. */
  private static final class Window {
    long start;
    int lines;
    int dropped;
  }

  private final LongSupplier clock;
  private final Window all = new Window();
  private final Map<Route, Window> clients =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Route, Window> eldest) {
          return size() > TRACKED;
        }
      };

  ClientLogLimit() {
    this(System::nanoTime);
  }

  ClientLogLimit(LongSupplier clock) {
    this.clock = clock;
  }

  /**
   * Whether a line about {@code client} may be written now.
   *
   * @return null when it may not; else what to append to it: "" or a note that a limit was reached
   *     now, or that lines were left out before
   */
  synchronized String admit(Route client) {
    long now = clock.getAsLong();
    Window mine = clients.computeIfAbsent(client, c -> new Window());
    StringBuilder note = new StringBuilder();
    roll(mine, now, note, "from this client");
    roll(all, now, note, "about clients");
    if (mine.lines >= PER_CLIENT || all.lines >= ALL_CLIENTS) {
      mine.dropped++;
      all.dropped++;
      return null;
    }
    mine.lines++;
    all.lines++;
    if (mine.lines == PER_CLIENT) {
      note.append(" [")
          .append(PER_CLIENT)
          .append(" lines from this client in ")
          .append(WINDOW_SECONDS)
          .append(" s: more are not logged for now]");
    } else if (all.lines == ALL_CLIENTS) {
      note.append(" [")
          .append(ALL_CLIENTS)
          .append(" lines about clients in ")
          .append(WINDOW_SECONDS)
          .append(" s: more are not logged for now]");
    }
    return note.toString();
  }

  private static void roll(Window w, long now, StringBuilder note, String whose) {
    if (w.lines == 0 || now - w.start >= WINDOW_NANOS) {
      if (w.dropped > 0) {
        note.append(" [").append(w.dropped).append(" lines ").append(whose).append(" not logged]");
      }
      w.start = now;
      w.lines = 0;
      w.dropped = 0;
    }
  }
}
