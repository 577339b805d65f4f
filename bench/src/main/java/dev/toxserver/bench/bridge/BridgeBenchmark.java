package dev.toxserver.bench.bridge;

import static dev.toxserver.bench.Figures.fmt;
import static dev.toxserver.bench.Figures.ms;
import static dev.toxserver.bench.Figures.percentile;
import static dev.toxserver.bench.Report.met;
import static dev.toxserver.bench.Report.section;

import dev.toxserver.bench.Arguments;
import dev.toxserver.bench.Checkout;
import dev.toxserver.bench.LogFile;
import dev.toxserver.bench.Processes;
import dev.toxserver.bench.Report;
import dev.toxserver.bench.ScratchDirectory;
import dev.toxserver.bench.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Measures the bridge as users run it, through {@code bridge/bin/bridge}: the whole-process wall
 * time of {@code bridge run} beside the same command run directly, the time from a save to the
 * run's command starting under {@code bridge watch}, and the memory and start-up of {@code bridge
 * watch} on a 50 000-file tree ({@link LargeTreeScenario}). Prints figures and a table against the
 * targets.
 *
 * <p>Run with {@code bridge/bin/benchmark} after {@code mvn -q package -DskipTests}.
 */
public final class BridgeBenchmark {
  private static final String USAGE =
      """
      Usage: bridge/bin/benchmark [--quick]
      Measures bridge run start-up, save-to-run latency of bridge watch, and bridge
      watch on a 50 000-file tree. --quick: fewer repetitions, a smaller tree.
      """;

  private final Checkout checkout;
  private final Path work;
  private final boolean quick;
  private final Report report = new Report();

  private BridgeBenchmark(Checkout checkout, Path work, boolean quick) {
    this.checkout = checkout;
    this.work = work;
    this.quick = quick;
  }

  public static void main(String[] args) throws Exception {
    boolean quick =
        Arguments.readOrExit(
            "benchmark", USAGE, args, Set.of("--quick"), Set.of(), a -> a.flag("--quick"));
    try (ScratchDirectory work = ScratchDirectory.create("bridge-bench")) {
      BridgeBenchmark b = new BridgeBenchmark(Checkout.fromProperty(), work.path(), quick);
      b.runStartUp();
      b.saveToRun();
      new LargeTreeScenario(b.checkout.bridgeLauncher(), work.path(), quick, b.report).run();
      section("Summary (2 cores; figures vary from run to run)");
      b.report.printColumns(52, 16, 28);
    }
  }

  // ------------------------------------------------------------------ bridge run start-up

  private void runStartUp() throws Exception {
    section("bridge run -- (a command that exits at once): whole-process wall time");
    try (ServerProcess server =
        ServerProcess.start(checkout, "server", List.of("true"), work, List.of())) {
      List<String> bridgeRun =
          List.of(
              checkout.bridgeLauncher().toString(), "-p", Integer.toString(server.port()), "run");
      // The first start records the class-data archive; the rest warm up the server's JIT, as a
      // long-running server in a container is warm.
      for (int i = 0; i < 20; i++) {
        Processes.wallNanos(bridgeRun);
      }
      int n = quick ? 10 : 30;
      long[] viaBridge = new long[n];
      long[] direct = new long[n];
      for (int i = 0; i < n; i++) {
        viaBridge[i] = Processes.wallNanos(bridgeRun);
        direct[i] = Processes.wallNanos(List.of("true"));
      }
      Arrays.sort(viaBridge);
      Arrays.sort(direct);
      long p50 = percentile(viaBridge, 50);
      long overhead = p50 - percentile(direct, 50);
      System.out.printf(
          Locale.ROOT,
          "  %d runs: bridge run p50 %.1f ms, p90 %.1f ms; 'true' directly p50 %.1f ms;"
              + " overhead p50 %.1f ms%n",
          n,
          ms(p50),
          ms(percentile(viaBridge, 90)),
          ms(percentile(direct, 50)),
          ms(overhead));
      report.add(
          "bridge run overhead, p50 (JVM start-up included)",
          fmt("%.0f ms", ms(overhead)),
          "≤ 110 ms",
          met(ms(overhead) <= 110));
    }
  }

  // ------------------------------------------------------------------ save → run

  private void saveToRun() throws Exception {
    int debounceMs = 100;
    section("bridge watch: save → the run's command started (debounce " + debounceMs + " ms)");
    Path project = Files.createDirectories(work.resolve("project"));
    Files.createDirectories(project.resolve("src"));
    LogFile starts = new LogFile(work.resolve("starts.log"));
    Files.writeString(starts.path(), "");
    // The command notes when it starts ($EPOCHREALTIME: no extra process) and exits.
    String command = "bash -c 'echo $EPOCHREALTIME >> " + starts.path() + "'";
    LogFile stderr = new LogFile(work.resolve("watch.err"));
    Process watch =
        new ProcessBuilder(
                checkout.bridgeLauncher().toString(),
                "watch",
                "--local",
                "--command",
                command,
                "--debounce",
                Integer.toString(debounceMs),
                project.toString())
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(stderr.path().toFile())
            .start();
    Duration timeout = Duration.ofSeconds(30);
    try {
      stderr.awaitText("Watching", timeout);
      int n = quick ? 15 : 60;
      long[] latency = new long[n];
      for (int i = 0; i < n; i++) {
        Instant saved = Instant.now();
        Files.writeString(project.resolve("src/module.py"), "VALUE = " + i + "\n");
        starts.awaitLines(i + 1, timeout);
        stderr.awaitText("[DONE]", i + 1, timeout);
        List<String> lines = Files.readAllLines(starts.path());
        Instant started = epochRealtime(lines.get(i));
        latency[i] = Duration.between(saved, started).toNanos();
      }
      Arrays.sort(latency);
      double p50 = ms(percentile(latency, 50));
      double p99 = ms(percentile(latency, 99));
      System.out.printf(
          Locale.ROOT,
          "  %d saves: p50 %.1f ms, p99 %.1f ms (debounce %d ms: p50 %.1f ms beyond it)%n",
          n,
          p50,
          p99,
          debounceMs,
          p50 - debounceMs);
      report.add(
          "save → command started, p50 / p99",
          fmt("%.0f / %.0f ms", p50, p99),
          "≤ debounce + 20 = " + (debounceMs + 20) + " ms p50",
          met(p50 <= debounceMs + 20));
    } finally {
      Processes.quit(watch);
    }
  }

  private static Instant epochRealtime(String line) {
    String[] parts = line.trim().split("[.,]");
    long seconds = Long.parseLong(parts[0]);
    long micros = Long.parseLong((parts[1] + "000000").substring(0, 6));
    return Instant.ofEpochSecond(seconds, micros * 1000);
  }
}
