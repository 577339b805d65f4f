package dev.toxserver.bench.server;

import static dev.toxserver.bench.Figures.fmt;
import static dev.toxserver.bench.Figures.ms;
import static dev.toxserver.bench.Figures.percentile;

import dev.toxserver.bench.Report;
import dev.toxserver.bench.ServerProcess;
import dev.toxserver.client.ClientListener;
import dev.toxserver.client.FinishedRun;
import dev.toxserver.client.ToxServerClient;
import dev.toxserver.support.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * 3: INTERRUPT a run whose command is a small tree of sleeping processes; time until the RUN reply,
 * then check that none of the tree is left. The sleeps carry a unique duration so they can be found
 * in /proc independently of how the server finds them.
 */
final class CancelScenario {
  private final ServerBenchSettings settings;
  private final ServerPool servers;
  private final Report report;

  CancelScenario(ServerBenchSettings settings, ServerPool servers, Report report) {
    this.settings = settings;
    this.servers = servers;
    this.report = report;
  }

  void run() throws Exception {
    Report.section("Cancel latency (INTERRUPT until the RUN reply; the whole tree gone)");
    String marker = fmt("1000.%06d", new SplittableRandom().nextInt(1_000_000));
    String script = "(sleep M & exec sleep M) & sleep M & exec sleep M".replace("M", marker);
    int treeSize = 4;
    ServerProcess server = servers.start("cancel", List.of("sh", "-c", script));
    long[] nanos = new long[settings.cancelRuns()];
    int survivors = 0;
    int badReturnCodes = 0;
    try (ToxServerClient client = new ToxServerClient(server.endpoint())) {
      for (int i = 0; i < nanos.length; i++) {
        CompletableFuture<Long> interruptedAt =
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    awaitProcesses(marker, treeSize, Duration.ofSeconds(10));
                    return System.nanoTime();
                  } finally {
                    client.interrupt(); // also when the tree never came: the run must end
                  }
                });
        FinishedRun r = client.run(List.of(), ServerBenchmark.RUN_TIMEOUT, ClientListener.NONE);
        long t1 = System.nanoTime();
        List<Long> left = processesWith(marker);
        nanos[i] = t1 - interruptedAt.get(10, TimeUnit.SECONDS);
        survivors += left.size();
        if (r.returncode() >= 0) {
          badReturnCodes++;
        }
        if (!left.isEmpty()) {
          System.out.println("  run " + (i + 1) + ": still running at the reply: " + left);
          left.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
      }
    }
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    double p50 = ms(percentile(sorted, 50));
    double p90 = ms(percentile(sorted, 90));
    System.out.printf(
        Locale.ROOT,
        "  %d runs of a %d-process tree: p50 %.1f ms, p90 %.1f ms, max %.1f ms;"
            + " processes left at the reply: %d; runs not ended by a signal: %d%n",
        nanos.length,
        treeSize,
        p50,
        p90,
        ms(sorted[sorted.length - 1]),
        survivors,
        badReturnCodes);
    report.add(
        "cancel latency p50 (" + nanos.length + " runs)",
        fmt("%.1f ms", p50),
        "<= 100 ms",
        Verdict.of(p50 <= 100));
    report.add("cancel latency p90", fmt("%.1f ms", p90), "-", Verdict.INFO);
    report.add(
        "processes left after cancel",
        Integer.toString(survivors),
        "0",
        Verdict.intact(survivors == 0));
    server.close();
  }

  private static void awaitProcesses(String marker, int count, Duration timeout) {
    try {
      Await.until(
          () -> processesWith(marker).size() >= count,
          timeout,
          "the run's " + count + " sleep processes to appear");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CompletionException(e);
    }
  }

  /** Live (not zombie) processes whose command line is {@code sleep MARKER}. */
  private static List<Long> processesWith(String marker) {
    byte[] wanted = ("sleep\0" + marker + "\0").getBytes(StandardCharsets.US_ASCII);
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"))) {
      for (Path p : proc) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          byte[] cmdline = Files.readAllBytes(p.resolve("cmdline"));
          if (!Arrays.equals(cmdline, wanted)) {
            continue;
          }
          String stat = Files.readString(p.resolve("stat"), StandardCharsets.US_ASCII);
          char state = stat.charAt(stat.lastIndexOf(')') + 2);
          if (state != 'Z' && state != 'X') {
            pids.add(Long.parseLong(name));
          }
        } catch (IOException | RuntimeException e) {
          // The process ended while we looked.
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc: " + e, e);
    }
    return pids;
  }
}
