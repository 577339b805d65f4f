package dev.toxserver.bench.server;

import dev.toxserver.bench.Checkout;
import dev.toxserver.bench.Report;
import dev.toxserver.bench.ScratchDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Locale;

/**
 * The server benchmark: latency, throughput, cancel time and memory of a real {@code tox-server}
 * process, printed as a table of figures against their targets.
 *
 * <p>Run it with {@code server/bin/benchmark [--quick]} after {@code mvn -q package -DskipTests}.
 * Each scenario starts its own server through the launcher, as users do (a {@link
 * dev.toxserver.bench.ServerProcess}); every server is stopped at the end, also on failure or ^C.
 * The verdicts are informational: the exit status is 1 only when something broke (output lost or
 * corrupted, a process outlived its cancellation, a scenario failed), 2 on a usage error.
 */
public final class ServerBenchmark {
  /** How long a run may stay silent before the client gives up. */
  static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

  private final ServerBenchSettings settings;
  private final Checkout checkout;
  private final ScratchDirectory scratch;
  private final ServerPool servers;
  private final Report report = new Report();

  private ServerBenchmark(
      ServerBenchSettings settings, Checkout checkout, ScratchDirectory scratch) {
    this.settings = settings;
    this.checkout = checkout;
    this.scratch = scratch;
    this.servers = new ServerPool(checkout, scratch.path(), settings.serverJvmOptions());
  }

  public static void main(String[] args) {
    ServerBenchSettings settings = ServerBenchSettings.readOrExit(args);
    Checkout checkout = Checkout.fromProperty();
    if (!Files.isRegularFile(checkout.serverJar())) {
      System.err.println(
          "benchmark: "
              + checkout.serverJar()
              + " is missing: run 'mvn -q package -DskipTests' first.");
      System.exit(2);
    }
    ScratchDirectory scratch;
    try {
      scratch = ScratchDirectory.create("tox-server-bench");
    } catch (IOException e) {
      System.err.println("benchmark: cannot create a temporary directory: " + e);
      System.exit(1);
      return;
    }
    ServerBenchmark bench = new ServerBenchmark(settings, checkout, scratch);
    // ^C on the benchmark must not leave servers (or their sleeping children) behind.
    Thread cleanup = new Thread(bench::cleanUp, "benchmark-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    int status;
    try {
      bench.runAll();
      status =
          bench.report.rows().stream().anyMatch(r -> r.verdict().equals(Verdict.BROKEN.name()))
              ? 1
              : 0;
    } catch (Exception | AssertionError e) {
      System.err.println();
      System.err.println("benchmark: FAILED: " + e);
      e.printStackTrace(System.err);
      bench.servers.printLogs();
      status = 1;
    }
    bench.report.printAligned();
    bench.cleanUp();
    Runtime.getRuntime().removeShutdownHook(cleanup);
    System.exit(status);
  }

  private void runAll() throws Exception {
    System.out.printf(
        Locale.ROOT,
        "tox-server benchmark: %s, %d CPUs, Java %s; server: bin/tox-server (extra JVM options: '%s') on %s%n",
        settings.quick() ? "quick" : "full",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        String.join(" ", settings.serverJvmOptions()),
        checkout.serverJar());
    double busy = CpuLoad.busyFraction(Duration.ofMillis(500));
    if (busy >= 0.2) {
      // On a small machine another build running alongside moves every figure.
      System.out.printf(
          Locale.ROOT,
          "WARNING: the machine is busy before we start (%.0f%% of its CPU time in use):"
              + " the figures will be noisy.%n",
          busy * 100);
    }
    if (!settings.loadOnly()) {
      new RoundTripScenario(settings, servers, report).run();
      Payload payload =
          Payload.write(scratch.path().resolve("payload.bin"), settings.payloadBytes());
      long fastPeak = new ThroughputScenario(settings, servers, report).run(payload);
      new SlowClientScenario(settings, servers, report).run(payload, fastPeak);
      new CancelScenario(settings, servers, report).run();
    }
    new LoadScenario(settings, servers, report, scratch.path()).run();
  }

  private void cleanUp() {
    servers.closeAll();
    scratch.close();
  }
}
