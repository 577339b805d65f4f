package dev.toxserver.bench.stdio;

import static dev.toxserver.bench.Figures.fmt;
import static dev.toxserver.bench.Figures.maxInWindow;
import static dev.toxserver.bench.Figures.ms;
import static dev.toxserver.bench.Report.met;
import static dev.toxserver.bench.Report.section;

import dev.toxserver.bench.Processes;
import dev.toxserver.bench.Report;
import dev.toxserver.rpc.BridgeApi;
import dev.toxserver.rpc.EditorRecorder.Timed;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A run that writes {@code outBytes} of text to stdout and a hundredth of that to stderr at the
 * same time: MB/s of text delivered from the run request to {@code runFinished}, notifications a
 * second per stream (target ≤ ~60), and whether every byte arrived. The text is counted, not kept.
 */
final class OutputThroughput {
  private final StdioClient c;
  private final Report report;
  private final Path script;
  private final long outBytes;
  private final long errBytes;

  OutputThroughput(StdioClient c, Report report, Path script, long outBytes) {
    this.c = c;
    this.report = report;
    this.script = script;
    this.outBytes = outBytes;
    this.errBytes = outBytes / 100;
  }

  void run() throws Exception {
    section(
        fmt(
            "bridge stdio: a run writing %d MB to stdout and %.1f MB to stderr → output"
                + " notifications",
            outBytes / 1_000_000, errBytes / 1e6));
    BridgeApi.SetAutoRunParams off = new BridgeApi.SetAutoRunParams();
    off.enabled = false;
    c.bridge.setAutoRun(off).get(StdioBenchmark.T.toSeconds(), TimeUnit.SECONDS);
    // The heavy command on its own, output to /dev/null: what the bridge adds to.
    long direct =
        Processes.wallNanos(
            List.of(
                "/bin/sh",
                script.toString(),
                "big",
                Long.toString(outBytes),
                Long.toString(errBytes)));
    c.editor.keepOutput(false);
    c.editor.resetOutput();
    BridgeApi.RunParams p = new BridgeApi.RunParams();
    p.args = List.of("big", Long.toString(outBytes), Long.toString(errBytes));
    long start = System.nanoTime();
    BridgeApi.RunResult r = c.bridge.run(p).get(10, TimeUnit.MINUTES);
    Timed<BridgeApi.RunFinished> finished =
        c.editor.awaitTimed(
            BridgeApi.RunFinished.class, f -> f.runId == r.runId, 1, StdioBenchmark.T);
    long wall = finished.nanos() - start;
    Timed<BridgeApi.RunStarted> started =
        c.editor.awaitTimed(
            BridgeApi.RunStarted.class, s -> s.runId == r.runId, 1, StdioBenchmark.T);
    long rss = Processes.statusKib(c.process.pid(), "VmHWM");
    double seconds = wall / 1e9;
    long delivered = c.editor.chars("stdout", "stderr");
    double mbPerSecond = delivered / 1e6 / seconds;
    System.out.printf(
        Locale.ROOT,
        "  returncode %d; the command alone (output to /dev/null) %.2f s; run request →"
            + " runFinished %.2f s (runStarted after %.0f ms)%n"
            + "  text delivered %.1f MB/s (%d chars in %.2f s); the bridge's peak RSS %d MiB%n",
        r.returncode,
        direct / 1e9,
        seconds,
        ms(started.nanos() - start),
        mbPerSecond,
        delivered,
        seconds,
        rss / 1024);
    boolean allDelivered = true;
    int worstWindow = 0;
    for (String stream : List.of("stdout", "stderr")) {
      long expected = stream.equals("stdout") ? outBytes : errBytes;
      long got = c.editor.chars(stream);
      List<Long> times = c.editor.outputTimes(stream);
      int window = maxInWindow(times, TimeUnit.SECONDS.toNanos(1));
      double span = times.size() < 2 ? 0 : (times.get(times.size() - 1) - times.get(0)) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "  %s: %d of %d chars; %d notifications over %.2f s: %.1f a second on average, at most"
              + " %d in any one second; %.0f KB per notification on average%n",
          stream,
          got,
          expected,
          times.size(),
          span,
          span > 0 ? (times.size() - 1) / span : 0,
          window,
          times.isEmpty() ? 0 : got / 1e3 / times.size());
      allDelivered &= got == expected;
      worstWindow = Math.max(worstWindow, window);
    }
    report.add(
        "output: text delivered (run request → runFinished)",
        fmt("%.0f MB/s", mbPerSecond),
        "—",
        met(null));
    report.add(
        "output: notifications per stream, max in 1 s",
        worstWindow + " /s",
        "≤ ~60 /s",
        met(worstWindow <= 62));
    report.add(
        "output: chars delivered = bytes written",
        delivered + " / " + (outBytes + errBytes),
        "equal",
        met(allDelivered));
    report.add("bridge stdio peak RSS", rss / 1024 + " MiB", "—", met(null));
    c.editor.keepOutput(true);
  }
}
