package dev.toxserver.bench.stdio;

import static dev.toxserver.bench.Figures.fmt;
import static dev.toxserver.bench.Figures.ms;
import static dev.toxserver.bench.Figures.percentile;
import static dev.toxserver.bench.Report.met;
import static dev.toxserver.bench.Report.section;

import dev.toxserver.bench.Report;
import dev.toxserver.rpc.BridgeApi;
import dev.toxserver.rpc.EditorRecorder.Timed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * With autoRun on: the time from a file written in the workspace to the editor receiving the run's
 * {@code runStarted}, each save after the previous run's {@code runFinished}; also split at {@code
 * runQueued}: the watcher and debounce, then the server's start.
 */
final class SaveToRunStarted {
  private final StdioClient c;
  private final Report report;
  private final int saves;

  SaveToRunStarted(StdioClient c, Report report, int saves) {
    this.c = c;
    this.report = report;
    this.saves = saves;
  }

  void run(Path project) throws Exception {
    int debounceMs = StdioBenchmark.DEBOUNCE_MS;
    section(
        "bridge stdio, autoRun: save → runStarted received by the editor (debounce "
            + debounceMs
            + " ms)");
    Path file = project.resolve("src/module.py");
    int warmUp = 5;
    long[] toStarted = new long[saves];
    long[] toQueued = new long[saves];
    int outOfOrder = 0;
    int before = c.editor.count(BridgeApi.RunQueued.class);
    for (int i = -warmUp; i < saves; i++) {
      c.editor.awaitIdle(StdioBenchmark.T);
      int seen = c.editor.count(BridgeApi.RunQueued.class);
      Files.writeString(file, "VALUE = " + i + "\n");
      long written = System.nanoTime();
      Timed<BridgeApi.RunQueued> queued =
          c.editor.awaitTimed(BridgeApi.RunQueued.class, q -> true, seen + 1, StdioBenchmark.T);
      int runId = queued.value().runId;
      Timed<BridgeApi.RunStarted> started =
          c.editor.awaitTimed(
              BridgeApi.RunStarted.class, s -> s.runId == runId, 1, StdioBenchmark.T);
      Timed<BridgeApi.RunFinished> finished =
          c.editor.awaitTimed(
              BridgeApi.RunFinished.class, f -> f.runId == runId, 1, StdioBenchmark.T);
      check(runId, written, queued, finished.value());
      if (started.seq() < queued.seq()) {
        outOfOrder++;
      }
      if (i >= 0) {
        toStarted[i] = started.nanos() - written;
        toQueued[i] = queued.nanos() - written;
      }
    }
    // A second run for one save would be the watcher's fault: counted, not measured. The pause is
    // a bounded quiet period for such a run to show up in.
    Thread.sleep(3 * debounceMs);
    c.editor.awaitIdle(StdioBenchmark.T);
    int extraRuns = c.editor.count(BridgeApi.RunQueued.class) - before - (saves + warmUp);
    Arrays.sort(toStarted);
    Arrays.sort(toQueued);
    double p50 = ms(percentile(toStarted, 50));
    double p99 = ms(percentile(toStarted, 99));
    double q50 = ms(percentile(toQueued, 50));
    double q99 = ms(percentile(toQueued, 99));
    System.out.printf(
        Locale.ROOT,
        "  %d saves (after %d to warm up): save → runStarted p50 %.1f ms, p99 %.1f ms;"
            + " minus the debounce: p50 %.1f ms, p99 %.1f ms%n"
            + "  of which save → runQueued p50 %.1f ms, p99 %.1f ms (watcher + debounce);"
            + " min %.1f, max %.1f ms to runStarted%n"
            + "  runStarted before runQueued: %d of %d runs; runs beyond one per save: %d%n",
        saves,
        warmUp,
        p50,
        p99,
        p50 - debounceMs,
        p99 - debounceMs,
        q50,
        q99,
        ms(toStarted[0]),
        ms(toStarted[saves - 1]),
        outOfOrder,
        saves + warmUp,
        extraRuns);
    report.add(
        "save → runStarted, p50 / p99",
        fmt("%.0f / %.0f ms", p50, p99),
        "p50 ≤ debounce + 25 = " + (debounceMs + 25) + " ms",
        met(p50 <= debounceMs + 25));
    report.add(
        "  the same minus the debounce, p50 / p99",
        fmt("%.0f / %.0f ms", p50 - debounceMs, p99 - debounceMs),
        "p50 ≤ 25 ms",
        met(p50 - debounceMs <= 25));
    report.add(
        "runQueued before runStarted",
        (saves + warmUp - outOfOrder) + " of " + (saves + warmUp),
        "all",
        met(outOfOrder == 0));
  }

  /** The run was queued by this save, for this file, and passed. */
  private static void check(
      int runId, long written, Timed<BridgeApi.RunQueued> queued, BridgeApi.RunFinished finished) {
    if (queued.nanos() < written) {
      throw new IllegalStateException("run " + runId + " was queued before the save");
    }
    if (!"change".equals(queued.value().trigger)
        || !queued.value().changedFiles.equals(List.of("src/module.py"))) {
      throw new IllegalStateException(
          "run "
              + runId
              + " was queued as "
              + queued.value().trigger
              + " for "
              + queued.value().changedFiles);
    }
    if (finished.returncode == null || finished.returncode != 0) {
      throw new IllegalStateException("run " + runId + " failed: " + finished.error);
    }
  }
}
