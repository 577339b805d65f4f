package dev.toxserver.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the benchmarks do with the processes they start: time one, stop one, read its memory. */
public final class Processes {
  private Processes() {}

  /** Runs {@code command} to its end, output discarded; its wall time. It must exit with 0. */
  public static long wallNanos(List<String> command) throws IOException, InterruptedException {
    long start = System.nanoTime();
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(command + " failed");
    }
    return System.nanoTime() - start;
  }

  /**
   * Types {@code q} on its stdin, as a user quits 'bridge watch'; killed if still there in 15 s.
   */
  public static void quit(Process p) throws InterruptedException {
    try {
      p.getOutputStream().write('q');
      p.getOutputStream().flush();
    } catch (IOException e) {
      // already gone
    }
    killAfter(p, Duration.ofSeconds(15));
  }

  /** SIGTERM (a server ends its runs and stops), killed if still there after {@code grace}. */
  public static void terminate(Process p, Duration grace) throws InterruptedException {
    p.destroy();
    killAfter(p, grace);
  }

  private static void killAfter(Process p, Duration grace) throws InterruptedException {
    if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(5, TimeUnit.SECONDS);
    }
  }

  /**
   * A {@code kB} field of {@code /proc/PID/status} (VmRSS: resident now, VmHWM: the peak), in kB;
   * -1 when the process is gone or there is no /proc.
   */
  public static long statusKib(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone
    }
    return -1;
  }
}
