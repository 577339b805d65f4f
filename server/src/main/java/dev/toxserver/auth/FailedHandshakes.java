package dev.toxserver.auth;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Failed handshakes per client address, in windows of {@link #WINDOW_NANOS}: past {@link #BUDGET}
 * failures in a window, an address's handshakes are answered without reading the key folder and
 * without a log line each; one summary line per address and window says how many there were. Only
 * the ZAP handler's thread uses it. At most {@link #MAX_ADDRESSES} addresses are remembered (the
 * oldest window is forgotten first), so a flood from many addresses cannot grow it without bound.
 */
final class FailedHandshakes {
  private static final Logger LOG = Logger.getLogger("tox-server");

  static final int BUDGET = 10;
  static final long WINDOW_NANOS = 10_000_000_000L;
  static final int MAX_ADDRESSES = 4096;

  private static final class Window {
    final long start;
    int failed;
    int suppressed;

    Window(long start) {
      this.start = start;
    }
  }

  private final Map<String, Window> windows =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
          return size() > MAX_ADDRESSES;
        }
      };

  /** Whether {@code address} has used up its failures for now. */
  boolean overBudget(String address) {
    Window w = current(address, System.nanoTime());
    return w != null && w.failed >= BUDGET;
  }

  /** Counts a failed handshake of {@code address}. */
  void failed(String address) {
    long now = System.nanoTime();
    Window w = current(address, now);
    if (w == null) {
      w = new Window(now);
      windows.put(address, w);
    }
    if (w.failed >= BUDGET) {
      w.suppressed++;
    } else {
      w.failed++;
    }
  }

  /** Logs and forgets the windows that are over. */
  void report() {
    long now = System.nanoTime();
    windows
        .entrySet()
        .removeIf(
            e -> {
              if (now - e.getValue().start < WINDOW_NANOS) {
                return false;
              }
              summarise(e.getKey(), e.getValue());
              return true;
            });
  }

  private Window current(String address, long now) {
    Window w = windows.get(address);
    if (w != null && now - w.start >= WINDOW_NANOS) {
      summarise(address, w);
      windows.remove(address);
      return null;
    }
    return w;
  }

  private static void summarise(String address, Window w) {
    if (w.suppressed > 0) {
      LOG.warning(
          "Rejected "
              + w.suppressed
              + " more handshakes from "
              + address
              + " in "
              + WINDOW_NANOS / 1_000_000_000L
              + " s without logging each: more than "
              + BUDGET
              + " failed there (a client with an unknown key retrying, or a flood).");
    }
  }
}
