package dev.toxserver.bench.server;

import static dev.toxserver.bench.Figures.fmt;
import static dev.toxserver.bench.Figures.mib;
import static dev.toxserver.bench.Figures.ms;
import static dev.toxserver.bench.Figures.percentile;

import dev.toxserver.bench.Report;
import dev.toxserver.bench.ServerProcess;
import dev.toxserver.client.ClientListener;
import dev.toxserver.client.FinishedRun;
import dev.toxserver.client.ToxServerClient;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** 1 and 4a: RUN of {@code true}, send to reply; the same server gives the idle RSS first. */
final class RoundTripScenario {
  private final ServerBenchSettings settings;
  private final ServerPool servers;
  private final Report report;

  RoundTripScenario(ServerBenchSettings settings, ServerPool servers, Report report) {
    this.settings = settings;
    this.servers = servers;
    this.report = report;
  }

  void run() throws Exception {
    Report.section("RUN round trip ('true') and idle memory");
    ServerProcess server = servers.start("roundtrip", List.of("true"));
    long idleRss = server.status("VmRSS");
    System.out.printf(Locale.ROOT, "  idle RSS after start-up and one ping: %s%n", mib(idleRss));
    long[] nanos = new long[settings.timedRuns()];
    try (ToxServerClient client = new ToxServerClient(server.endpoint())) {
      for (int i = 0; i < settings.warmupRuns(); i++) {
        runTrue(client);
      }
      for (int i = 0; i < nanos.length; i++) {
        long t0 = System.nanoTime();
        runTrue(client);
        nanos[i] = System.nanoTime() - t0;
      }
    }
    Arrays.sort(nanos);
    double p50 = ms(percentile(nanos, 50));
    double p99 = ms(percentile(nanos, 99));
    System.out.printf(
        Locale.ROOT,
        "  %d runs after %d warm-up: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n",
        nanos.length,
        settings.warmupRuns(),
        p50,
        ms(percentile(nanos, 90)),
        p99,
        ms(nanos[nanos.length - 1]));
    long afterRss = server.status("VmRSS");
    report.add(
        "RUN round trip p50 (" + nanos.length + " runs)",
        fmt("%.2f ms", p50),
        "<= 3 ms (Python: 4.4-4.9)",
        Verdict.of(p50 <= 3));
    report.add("RUN round trip p99", fmt("%.2f ms", p99), "-", Verdict.INFO);
    report.add(
        "server start-up until PING answered", server.startupMillis() + " ms", "-", Verdict.INFO);
    report.add(
        "server RSS idle (start-up + ping)",
        mib(idleRss),
        "<= 64 MiB",
        Verdict.of(idleRss <= 64L << 20));
    report.add(
        "server RSS after the round trips",
        mib(afterRss) + " (peak " + mib(server.status("VmHWM")) + ")",
        "-",
        Verdict.INFO);
    server.close();
  }

  private static void runTrue(ToxServerClient client) throws Exception {
    FinishedRun r = client.run(List.of(), ServerBenchmark.RUN_TIMEOUT, ClientListener.NONE);
    if (r.returncode() != 0) {
      throw new IllegalStateException("'true' returned " + r.returncode());
    }
  }
}
