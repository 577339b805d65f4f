package dev.toxserver.bench.server;

import static dev.toxserver.bench.Figures.MIB;
import static dev.toxserver.bench.Figures.fmt;
import static dev.toxserver.bench.Figures.mib;
import static dev.toxserver.bench.Figures.mibPerSecond;

import dev.toxserver.bench.Report;
import dev.toxserver.bench.ServerProcess;
import dev.toxserver.client.FinishedRun;
import dev.toxserver.client.ToxServerClient;
import java.util.List;
import java.util.Locale;

/** 2: 'cat FILE' to a v2 and a v1 client, against the same bytes through a local pipe. */
final class ThroughputScenario {
  private final ServerBenchSettings settings;
  private final ServerPool servers;
  private final Report report;

  ThroughputScenario(ServerBenchSettings settings, ServerPool servers, Report report) {
    this.settings = settings;
    this.servers = servers;
    this.report = report;
  }

  /** Runs it; the server's peak RSS with fast clients, which the slow client is compared with. */
  long run(Payload payload) throws Exception {
    Report.section("Output throughput (" + settings.payloadMiB() + " MiB of random bytes)");
    double pipe = localPipe(payload);
    System.out.printf(
        Locale.ROOT, "  local pipe (cat | cat > /dev/null), best of 3: %.0f MiB/s%n", pipe);
    report.add("local pipe throughput", fmt("%.0f MiB/s", pipe), "-", Verdict.INFO);

    ServerProcess server = servers.start("cat", List.of("cat", payload.file().toString()));
    // A served server has run many times: one untimed stream per protocol warms up its JIT first.
    for (int version : new int[] {2, 1}) {
      try (ToxServerClient client = new ToxServerClient(server.endpoint(), version)) {
        client.run(List.of(), ServerBenchmark.RUN_TIMEOUT, new HashingListener(0));
      }
    }
    System.out.println("  (one untimed warm-up stream per protocol version)");
    for (int version : new int[] {2, 1}) {
      streams(server, version, payload, pipe);
    }
    long peak = server.status("VmHWM");
    report.add("server RSS peak, fast clients (VmHWM)", mib(peak), "-", Verdict.INFO);
    server.close();
    return peak;
  }

  /** The same bytes through {@code cat | cat}: best of 3, in MiB/s. */
  private static double localPipe(Payload payload) throws Exception {
    double pipe = 0;
    for (int i = 0; i < 3; i++) {
      long t0 = System.nanoTime();
      Process p =
          new ProcessBuilder(
                  "sh", "-c", "cat \"$1\" | cat > /dev/null", "sh", payload.file().toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (p.waitFor() != 0) {
        throw new IllegalStateException("the local pipe failed with status " + p.exitValue());
      }
      pipe = Math.max(pipe, mibPerSecond(payload.size(), System.nanoTime() - t0));
    }
    return pipe;
  }

  /** The timed streams to one protocol version's clients, and their rows. */
  private void streams(ServerProcess server, int version, Payload payload, double pipe)
      throws Exception {
    double best = 0;
    double worst = Double.MAX_VALUE;
    boolean allIntact = true;
    for (int i = 0; i < settings.throughputRepeats(); i++) {
      HashingListener got = new HashingListener(0);
      long elapsed;
      try (ToxServerClient client = new ToxServerClient(server.endpoint(), version)) {
        long t0 = System.nanoTime();
        FinishedRun r = client.run(List.of(), ServerBenchmark.RUN_TIMEOUT, got);
        elapsed = System.nanoTime() - t0;
        if (r.returncode() != 0) {
          throw new IllegalStateException("cat returned " + r.returncode());
        }
      }
      double rate = mibPerSecond(got.bytes(), elapsed);
      boolean intact = payload.matches(got);
      allIntact &= intact;
      best = Math.max(best, rate);
      worst = Math.min(worst, rate);
      System.out.printf(
          Locale.ROOT,
          "  v%d client run %d: %.0f MiB/s, %d bytes in %d chunks, %s%n",
          version,
          i + 1,
          rate,
          got.bytes(),
          got.chunks(),
          intact ? "OK" : "MISMATCH (" + got.describe() + ")");
    }
    double ratio = best / pipe;
    String how = version == 2 ? "v2 client (raw frames)" : "v1 client (base85)";
    report.add(
        how + " throughput",
        fmt("%.0f MiB/s = %.3fx pipe", best, ratio)
            + (settings.throughputRepeats() > 1 ? fmt(" (worst %.0f)", worst) : ""),
        version == 2 ? ">= 0.3x pipe" : "> 15 MB/s (Python v1)",
        Verdict.of(version == 2 ? ratio >= 0.3 : best * MIB / 1e6 > 15));
    report.add(
        how + " bytes + SHA-256",
        allIntact ? "OK" : "MISMATCH",
        "exact",
        Verdict.intact(allIntact));
  }
}
