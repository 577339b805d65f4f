package dev.toxserver.bench.server;

import static dev.toxserver.bench.Figures.MIB;
import static dev.toxserver.bench.Figures.fmt;
import static dev.toxserver.bench.Figures.mibPerSecond;
import static dev.toxserver.bench.Figures.ms;
import static dev.toxserver.bench.Figures.percentile;

import dev.toxserver.bench.Report;
import dev.toxserver.bench.ServerProcess;
import dev.toxserver.client.ToxServerClient;
import dev.toxserver.support.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * 5: N clients connected at once, each asking for a run that prints 1 MiB of its own ("NAME\n"
 * repeated): a first run holds the queue while the requests go out one after another (each once the
 * server has it, so their order is known), then all of them stream. Another connection PINGs every
 * 10 ms from the first connection to the last reply.
 */
final class LoadScenario {
  /** Bytes each load client's run prints. */
  private static final int LOAD_BYTES = 1 << 20;

  private final ServerBenchSettings settings;
  private final ServerPool servers;
  private final Report report;
  private final Path scratch;

  private final List<Long> pings = new ArrayList<>();
  private long totalBytes;
  private long totalNanos;
  private int badClients;
  private boolean inOrder = true;

  LoadScenario(ServerBenchSettings settings, ServerPool servers, Report report, Path scratch) {
    this.settings = settings;
    this.servers = servers;
    this.report = report;
    this.scratch = scratch;
  }

  void run() throws Exception {
    int n = settings.clients();
    Report.section(n + " concurrent clients, 1 MiB each; PING latency throughout");
    Path log = scratch.resolve("load-runs.log");
    Path release = scratch.resolve("load-release");
    // $1 is the client's name (or "hold"), $2 the byte count (or the file that releases the hold).
    String script =
        "printf '%s\\n' \"$1\" >> \"$0\"; if [ \"$1\" = hold ]; then"
            + " while [ ! -e \"$2\" ]; do sleep 0.01; done;"
            + " else yes \"$1\" | head -c \"$2\"; fi";
    ServerProcess server = servers.start("load", List.of("sh", "-c", script, log.toString()));
    // Round 0 warms the server's JIT up (as a served server is) and is not counted.
    for (int round = 0; round <= settings.loadRounds(); round++) {
      round(server, round, log, release);
    }
    long[] sorted = pings.stream().mapToLong(Long::longValue).sorted().toArray();
    double p50 = ms(percentile(sorted, 50));
    double p99 = ms(percentile(sorted, 99));
    double max = ms(sorted[sorted.length - 1]);
    System.out.printf(
        Locale.ROOT,
        "  PING on another connection, %d answered: p50 %.2f ms, p99 %.2f ms, max %.2f ms"
            + " (target p99 <= 50 ms: %s)%n",
        sorted.length,
        p50,
        p99,
        max,
        p99 <= 50 ? "met" : "MISSED");
    int runs = n * (settings.loadRounds() + 1);
    report.add(
        n + " clients x 1 MiB, throughput",
        fmt("%.0f MiB/s", mibPerSecond(totalBytes, totalNanos)),
        "-",
        Verdict.INFO);
    report.add(
        n + " clients x 1 MiB, bytes + SHA-256 per client",
        (runs - badClients) + "/" + runs + " intact",
        "all",
        Verdict.intact(badClients == 0));
    report.add(
        n + " clients, runs in request order",
        inOrder ? "yes" : "NO",
        "FIFO",
        Verdict.intact(inOrder));
    report.add(
        "PING under load p99 (" + sorted.length + " pings)",
        fmt("%.2f ms (p50 %.2f, max %.2f)", p99, p50, max),
        "<= 50 ms",
        Verdict.of(p99 <= 50));
    server.close();
  }

  private void round(ServerProcess server, int round, Path log, Path release) throws Exception {
    int n = settings.clients();
    Files.deleteIfExists(log);
    Files.deleteIfExists(release);
    Pinger pinger = new Pinger(server.endpoint());
    pinger.start();
    List<LoadClient> clients = new ArrayList<>();
    try (ToxServerClient control = new ToxServerClient(server.endpoint())) {
      LoadClient holder = LoadClient.start(server.endpoint(), List.of("hold", release.toString()));
      awaitTasks(control, 1);
      for (int i = 0; i < n; i++) {
        String name = String.format(Locale.ROOT, "client-%02d", i);
        clients.add(
            LoadClient.start(server.endpoint(), List.of(name, Integer.toString(LOAD_BYTES))));
        awaitTasks(control, i + 2);
      }
      long t0 = System.nanoTime();
      Files.createFile(release);
      holder.await();
      for (LoadClient c : clients) {
        c.await();
      }
      long elapsed = System.nanoTime() - t0;
      List<Long> latencies = pinger.stop();
      if (round > 0) {
        pings.addAll(latencies);
      }
      long bytes = 0;
      int bad = 0;
      List<String> expectedLog = new ArrayList<>();
      expectedLog.add("hold");
      for (LoadClient c : clients) {
        String name = c.args().get(0);
        expectedLog.add(name);
        bytes += c.received().bytes();
        boolean ok =
            c.returncode() == 0
                && c.received().bytes() == LOAD_BYTES
                && c.received().stderrBytes() == 0
                && MessageDigest.isEqual(c.received().digest(), expectedDigest(name));
        if (!ok) {
          bad++;
          System.out.println("  " + name + ": MISMATCH (" + c.received().describe() + ")");
        }
      }
      boolean ordered = Files.readAllLines(log).equals(expectedLog);
      inOrder &= ordered;
      badClients += bad;
      if (round > 0) {
        totalBytes += bytes;
        totalNanos += elapsed;
      }
      System.out.printf(
          Locale.ROOT,
          "  %s: %d clients, %.1f MiB in %.2f s = %.0f MiB/s; %d of %d intact;"
              + " runs in request order: %s%n",
          round == 0 ? "warm-up (not counted)" : "round " + round,
          n,
          bytes / MIB,
          elapsed / 1e9,
          mibPerSecond(bytes, elapsed),
          n - bad,
          n,
          ordered ? "yes" : "NO");
    } finally {
      pinger.stop();
    }
  }

  /** SHA-256 of "NAME\n" repeated to {@link #LOAD_BYTES}. */
  private static byte[] expectedDigest(String name) {
    byte[] line = (name + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[LOAD_BYTES];
    for (int i = 0; i < all.length; i++) {
      all[i] = line[i % line.length];
    }
    return HashingListener.sha256().digest(all);
  }

  /** Waits until the server holds {@code tasks} runs (queued or running). */
  private static void awaitTasks(ToxServerClient control, int tasks) throws Exception {
    Await.until(
        () -> control.ping(ServerBenchmark.RUN_TIMEOUT).path("tasks").asInt() >= tasks,
        Duration.ofSeconds(30),
        "the server to queue run " + tasks);
  }
}
