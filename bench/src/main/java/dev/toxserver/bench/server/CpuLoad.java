package dev.toxserver.bench.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** How busy the machine is, from /proc/stat: another build alongside moves every figure. */
final class CpuLoad {
  private CpuLoad() {}

  /** The share of all CPUs' time spent busy over {@code window}; 0 where /proc/stat is missing. */
  static double busyFraction(Duration window) throws InterruptedException {
    long[] before = cpuTimes();
    Thread.sleep(window.toMillis()); // the window measured
    long[] after = cpuTimes();
    long total = after[0] - before[0];
    return total <= 0 ? 0 : 1.0 - (double) (after[1] - before[1]) / total;
  }

  /** Total and idle (idle + iowait) jiffies of all CPUs, from the first line of /proc/stat. */
  private static long[] cpuTimes() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length; i++) {
        total += Long.parseLong(f[i]);
      }
      return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }
}
