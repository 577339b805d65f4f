package dev.toxserver.bench;

import java.util.List;
import java.util.Locale;

/** What the benchmarks' figures are made with: percentiles, units and formatting. */
public final class Figures {
  private Figures() {}

  /** Bytes in a MiB. */
  public static final double MIB = 1024.0 * 1024.0;

  /** The p-th percentile of sorted values (nearest rank). */
  public static long percentile(long[] sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /** Nanoseconds as milliseconds. */
  public static double ms(long nanos) {
    return nanos / 1e6;
  }

  public static double mibPerSecond(long bytes, long nanos) {
    return bytes / MIB / (nanos / 1e9);
  }

  /** Bytes as "12.3 MiB"; "?" for a negative count (a figure that could not be read). */
  public static String mib(long bytes) {
    return bytes < 0 ? "?" : fmt("%.1f MiB", bytes / MIB);
  }

  /** String.format without the machine's locale: figures read the same everywhere. */
  public static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  /** The most of these sorted timestamps in any window of {@code width} nanoseconds. */
  public static int maxInWindow(List<Long> sorted, long width) {
    int best = 0;
    int from = 0;
    for (int to = 0; to < sorted.size(); to++) {
      while (sorted.get(to) - sorted.get(from) >= width) {
        from++;
      }
      best = Math.max(best, to - from + 1);
    }
    return best;
  }
}
