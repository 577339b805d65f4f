package dev.toxserver.bench.server;

import static dev.toxserver.bench.Figures.fmt;
import static dev.toxserver.bench.Figures.mib;
import static dev.toxserver.bench.Figures.mibPerSecond;
import static dev.toxserver.bench.Figures.percentile;

import dev.toxserver.bench.Report;
import dev.toxserver.bench.ServerProcess;
import dev.toxserver.client.ToxServerClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/** 4b: a client that pauses after every chunk: the server must hold back, not buffer or drop. */
final class SlowClientScenario {
  private final ServerBenchSettings settings;
  private final ServerPool servers;
  private final Report report;

  SlowClientScenario(ServerBenchSettings settings, ServerPool servers, Report report) {
    this.settings = settings;
    this.servers = servers;
    this.report = report;
  }

  void run(Payload payload, long fastPeak) throws Exception {
    Report.section(
        "Server memory while streaming to a slow client ("
            + settings.slowClientPauseMicros() / 1000.0
            + " ms pause per chunk)");
    ServerProcess server = servers.start("slow", List.of("cat", payload.file().toString()));
    long idle = server.status("VmRSS");
    AtomicLong sampledMax = new AtomicLong(idle);
    List<Long> samples = new ArrayList<>();
    Thread sampler =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                long rss = server.status("VmRSS");
                sampledMax.accumulateAndGet(rss, Math::max);
                synchronized (samples) {
                  samples.add(rss);
                }
                try {
                  Thread.sleep(20); // the sampling rate
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "rss-sampler");
    sampler.setDaemon(true);
    HashingListener got = new HashingListener(settings.slowClientPauseMicros());
    long elapsed;
    sampler.start();
    try (ToxServerClient client = new ToxServerClient(server.endpoint())) {
      long t0 = System.nanoTime();
      client.run(List.of(), ServerBenchmark.RUN_TIMEOUT, got);
      elapsed = System.nanoTime() - t0;
    } finally {
      sampler.interrupt();
      sampler.join();
    }
    long hwm = server.status("VmHWM");
    boolean intact = payload.matches(got);
    long median;
    synchronized (samples) {
      long[] s = samples.stream().mapToLong(Long::longValue).sorted().toArray();
      median = s.length == 0 ? idle : percentile(s, 50);
    }
    System.out.printf(
        Locale.ROOT,
        "  %d bytes in %d chunks over %.1f s (%.0f MiB/s): %s%n"
            + "  RSS before %s, median while streaming %s, sampled max %s, VmHWM %s%n",
        got.bytes(),
        got.chunks(),
        elapsed / 1e9,
        mibPerSecond(got.bytes(), elapsed),
        intact ? "OK" : "MISMATCH (" + got.describe() + ")",
        mib(idle),
        mib(median),
        mib(sampledMax.get()),
        mib(hwm));
    // The pauses alone take chunks x pause; much longer means the server stalled on its own.
    report.add(
        "slow client stream time",
        fmt("%.1f s", elapsed / 1e9),
        fmt("~ %.1f s of pauses", got.chunks() * settings.slowClientPauseMicros() / 1e6),
        Verdict.INFO);
    report.add(
        "slow client bytes + SHA-256", intact ? "OK" : "MISMATCH", "exact", Verdict.intact(intact));
    // Bounded: a server that buffered what the slow client has not read yet would grow by up to
    // the payload; one that holds the command back needs no more than for a fast client. (The
    // peaks themselves are mostly the JVM's young generation, which fills before it is collected.)
    long slack = 32L << 20;
    report.add(
        "server RSS peak, slow client (VmHWM)",
        mib(hwm) + " (+" + mib(hwm - idle) + ")",
        "<= fast peak + 32 MiB",
        Verdict.of(hwm <= fastPeak + slack));
    server.close();
  }
}
