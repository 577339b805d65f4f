package dev.toxserver.bench.stdio;

import static dev.toxserver.bench.Figures.fmt;
import static dev.toxserver.bench.Figures.maxInWindow;
import static dev.toxserver.bench.Report.met;
import static dev.toxserver.bench.Report.section;

import dev.toxserver.bench.Report;
import dev.toxserver.rpc.BridgeApi;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Many small writes to both streams: where coalescing matters (each write reaches the bridge as a
 * chunk of its own). The text is kept and compared whole: nothing lost, nothing out of order.
 */
final class SmallWrites {
  private final StdioClient c;
  private final Report report;
  private final int lines;

  SmallWrites(StdioClient c, Report report, int lines) {
    this.c = c;
    this.report = report;
    this.lines = lines;
  }

  void run() throws Exception {
    section(
        fmt(
            "bridge stdio: a run writing %d short lines to stdout and to stderr, one write each",
            lines));
    c.editor.resetOutput();
    BridgeApi.RunParams p = new BridgeApi.RunParams();
    p.args = List.of("lines", Integer.toString(lines));
    long start = System.nanoTime();
    BridgeApi.RunResult r = c.bridge.run(p).get(10, TimeUnit.MINUTES);
    long wall = System.nanoTime() - start;
    StringBuilder out = new StringBuilder();
    StringBuilder err = new StringBuilder();
    for (int i = 0; i < lines; i++) {
      out.append("out ").append(i).append('\n');
      err.append("err ").append(i).append('\n');
    }
    System.out.printf(
        Locale.ROOT, "  returncode %d; run request → reply %.2f s%n", r.returncode, wall / 1e9);
    boolean exact = true;
    int worstWindow = 0;
    for (String stream : List.of("stdout", "stderr")) {
      String expected = (stream.equals("stdout") ? out : err).toString();
      String got = c.editor.text(r.runId, stream);
      List<Long> times = c.editor.outputTimes(stream);
      int window = maxInWindow(times, TimeUnit.SECONDS.toNanos(1));
      double span = times.size() < 2 ? 0 : (times.get(times.size() - 1) - times.get(0)) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "  %s: text %s (%d of %d chars); %d notifications over %.2f s: %.1f a second on"
              + " average, at most %d in any one second%n",
          stream,
          got.equals(expected) ? "exact" : "DIFFERS",
          got.length(),
          expected.length(),
          times.size(),
          span,
          span > 0 ? (times.size() - 1) / span : 0,
          window);
      exact &= got.equals(expected);
      worstWindow = Math.max(worstWindow, window);
    }
    report.add(
        "small writes: notifications per stream, max in 1 s",
        worstWindow + " /s",
        "≤ ~60 /s",
        met(worstWindow <= 62));
    report.add(
        "small writes: text per stream, exact and in order",
        exact ? "yes" : "no",
        "yes",
        met(exact));
    c.editor.resetOutput();
  }
}
