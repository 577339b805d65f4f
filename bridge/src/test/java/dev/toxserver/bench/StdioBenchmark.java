package dev.toxserver.bench;

import static dev.toxserver.bench.Bench.deleteTree;
import static dev.toxserver.bench.Bench.fmt;
import static dev.toxserver.bench.Bench.freePort;
import static dev.toxserver.bench.Bench.ms;
import static dev.toxserver.bench.Bench.percentile;
import static dev.toxserver.bench.Bench.section;

import dev.toxserver.rpc.BridgeApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.lsp4j.jsonrpc.Launcher;

/**
 * Measures {@code bridge stdio} as an editor sees it: a real {@code bridge/bin/bridge stdio}
 * process with an lsp4j client on its pipes, against a real {@code server/bin/tox-server serve}.
 *
 * <ul>
 *   <li>Save → {@code runStarted}: with autoRun on and a 100 ms debounce, the time from a file
 *       written in the workspace to the editor receiving the run's {@code runStarted}, over 60
 *       saves (each waits for the previous run's {@code runFinished}); target p50 ≤ debounce + 25
 *       ms. Also split at {@code runQueued}: the watcher and debounce, then the server's start.
 *   <li>{@code output} throughput: a run that writes 100 MB of text to stdout (and 1 MB to stderr
 *       at the same time): MB/s of text delivered from the run request to {@code runFinished},
 *       notifications a second per stream (target ≤ ~60), and whether every byte arrived.
 *   <li>Small writes: a run writing 300 000 short lines to each stream, one write per line, where
 *       coalescing is what keeps the editor from 600 000 notifications: notifications a second per
 *       stream (target ≤ ~60), and the text of each stream compared whole.
 * </ul>
 *
 * <p>Run it with {@code bridge/bin/stdio-benchmark} after {@code mvn -q package -DskipTests} (in
 * the project root); {@code --quick} for a smoke check, {@code --help} for the options.
 */
public final class StdioBenchmark {
  private static final int DEBOUNCE_MS = 100;
  private static final Duration T = Duration.ofSeconds(60);

  private final Path bridge;
  private final Path toxServer;
  private final Path work;
  private final int saves;
  private final long outBytes;
  private final long errBytes;
  private final int lines;
  private final List<String[]> table = new ArrayList<>();

  private StdioBenchmark(Path repo, Path work, int saves, long outBytes, int lines) {
    this.bridge = repo.resolve("bridge/bin/bridge");
    this.toxServer = repo.resolve("server/bin/tox-server");
    this.work = work;
    this.saves = saves;
    this.outBytes = outBytes;
    this.errBytes = outBytes / 100;
    this.lines = lines;
  }

  public static void main(String[] args) throws Exception {
    List<String> list = Arrays.asList(args);
    if (list.contains("--help")) {
      System.out.println(
          "Usage: bridge/bin/stdio-benchmark [--quick] [--saves N] [--mb N]\n"
              + "Measures bridge stdio through an lsp4j client: save → runStarted latency with\n"
              + "autoRun (default 60 saves), output throughput of a run writing N MB (default\n"
              + "100), and coalescing of 300 000 small writes per stream. --quick: 15 saves,\n"
              + "20 MB, 100 000 writes.");
      return;
    }
    boolean quick = list.contains("--quick");
    int saves = intOption(list, "--saves", quick ? 15 : 60);
    long mb = intOption(list, "--mb", quick ? 20 : 100);
    Path repo = Path.of(System.getProperty("bench.repo", "")).toAbsolutePath().normalize();
    Path work = Files.createTempDirectory("stdio-bench");
    StdioBenchmark b =
        new StdioBenchmark(repo, work, saves, mb * 1_000_000, quick ? 100_000 : 300_000);
    try {
      b.runAll();
    } finally {
      deleteTree(work);
    }
  }

  private static int intOption(List<String> args, String name, int fallback) {
    int i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? Integer.parseInt(args.get(i + 1)) : fallback;
  }

  private void runAll() throws Exception {
    // The server's command: 'big OUT ERR' writes OUT bytes of 80-column lines to stdout and ERR
    // to stderr at once; 'lines N' writes N short lines to each, one write each, alternating;
    // anything else exits at once (the auto-runs).
    Path script = work.resolve("bench-tox.sh");
    Files.writeString(
        script,
        "case \"$1\" in\n"
            + "  big) yes 'stderr: a warning line of text, repeated' | head -c \"$3\" >&2 &\n"
            + "       yes '"
            + "x".repeat(79)
            + "' | head -c \"$2\"\n"
            + "       wait ;;\n"
            + "  lines) i=0; while [ $i -lt \"$2\" ]; do\n"
            + "           echo \"out $i\"; echo \"err $i\" >&2; i=$((i + 1))\n"
            + "         done ;;\n"
            + "  *) ;;\n"
            + "esac\n");
    int port = freePort();
    Path serverLog = work.resolve("server.log");
    Process server =
        new ProcessBuilder(
                toxServer.toString(),
                "-p",
                Integer.toString(port),
                "serve",
                "--no-tee",
                "--command",
                "/bin/sh " + script)
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(serverLog.toFile())
            .start();
    Path project = Files.createDirectories(work.resolve("project"));
    Files.createDirectories(project.resolve("src"));
    Files.writeString(project.resolve("src/module.py"), "VALUE = -1\n");
    Files.writeString(project.resolve("tox.ini"), "[tox]\nenv_list = py3\n");
    try (Client c = Client.start(bridge, work)) {
      awaitFile(serverLog, "^C to exit", T);
      BridgeApi.InitializeParams p = new BridgeApi.InitializeParams();
      p.workspaceFolder = project.toString();
      p.server = new BridgeApi.ServerOptions();
      p.server.host = "127.0.0.1";
      p.server.port = port;
      p.toxArgs = List.of("quick");
      p.autoRun = true;
      p.watch = new BridgeApi.WatchOptions();
      p.watch.debounceMs = DEBOUNCE_MS;
      BridgeApi.InitializeResult init = c.bridge.initialize(p).get(T.toSeconds(), TimeUnit.SECONDS);
      if (!init.serverReachable) {
        throw new IllegalStateException(
            "the server is not reachable:\n" + Files.readString(serverLog));
      }
      saveToRunStarted(c, project);
      outputThroughput(c);
      smallWrites(c);
      section("bridge stdio: shutdown and exit, nothing running");
      long rss = statusKb(c.process.pid(), "VmRSS");
      long start = System.nanoTime();
      c.bridge.shutdown(new BridgeApi.Empty()).get(T.toSeconds(), TimeUnit.SECONDS);
      long shutdown = System.nanoTime() - start;
      c.bridge.exit();
      int code = c.waitFor(Duration.ofSeconds(15));
      long exit = System.nanoTime() - start - shutdown;
      System.out.printf(
          Locale.ROOT,
          "  RSS before shutdown %d MiB; shutdown answered after %.0f ms; exit code %d, %.0f ms"
              + " after the exit notification%n",
          rss / 1024,
          ms(shutdown),
          code,
          ms(exit));
      table.add(row("bridge stdio RSS after the runs, idle", rss / 1024 + " MiB", "—", null));
      table.add(row("shutdown reply, nothing running", fmt("%.0f ms", ms(shutdown)), "—", null));
      printTable();
    } finally {
      server.destroy();
      if (!server.waitFor(15, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  // ------------------------------------------------------------------ save → runStarted

  private void saveToRunStarted(Client c, Path project) throws Exception {
    section(
        "bridge stdio, autoRun: save → runStarted received by the editor (debounce "
            + DEBOUNCE_MS
            + " ms)");
    Path file = project.resolve("src/module.py");
    int warmUp = 5;
    long[] toStarted = new long[saves];
    long[] toQueued = new long[saves];
    int outOfOrder = 0;
    int before = c.editor.count(BridgeApi.RunQueued.class);
    for (int i = -warmUp; i < saves; i++) {
      c.editor.awaitIdle(T);
      int seen = c.editor.count(BridgeApi.RunQueued.class);
      Files.writeString(file, "VALUE = " + i + "\n");
      long written = System.nanoTime();
      Timed<BridgeApi.RunQueued> queued =
          c.editor.await(BridgeApi.RunQueued.class, q -> true, seen + 1, T);
      int runId = queued.value.runId;
      Timed<BridgeApi.RunStarted> started =
          c.editor.await(BridgeApi.RunStarted.class, s -> s.runId == runId, 1, T);
      Timed<BridgeApi.RunFinished> finished =
          c.editor.await(BridgeApi.RunFinished.class, f -> f.runId == runId, 1, T);
      if (queued.nanos < written) {
        throw new IllegalStateException("run " + runId + " was queued before the save");
      }
      if (!"change".equals(queued.value.trigger)
          || !queued.value.changedFiles.equals(List.of("src/module.py"))) {
        throw new IllegalStateException(
            "run "
                + runId
                + " was queued as "
                + queued.value.trigger
                + " for "
                + queued.value.changedFiles);
      }
      if (finished.value.returncode == null || finished.value.returncode != 0) {
        throw new IllegalStateException("run " + runId + " failed: " + finished.value.error);
      }
      if (started.seq < queued.seq) {
        outOfOrder++;
      }
      if (i >= 0) {
        toStarted[i] = started.nanos - written;
        toQueued[i] = queued.nanos - written;
      }
    }
    // A second run for one save would be the watcher's fault: counted, not measured.
    Thread.sleep(3 * DEBOUNCE_MS);
    c.editor.awaitIdle(T);
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
        p50 - DEBOUNCE_MS,
        p99 - DEBOUNCE_MS,
        q50,
        q99,
        ms(toStarted[0]),
        ms(toStarted[saves - 1]),
        outOfOrder,
        saves + warmUp,
        extraRuns);
    table.add(
        row(
            "save → runStarted, p50 / p99",
            fmt("%.0f / %.0f ms", p50, p99),
            "p50 ≤ debounce + 25 = " + (DEBOUNCE_MS + 25) + " ms",
            p50 <= DEBOUNCE_MS + 25));
    table.add(
        row(
            "  the same minus the debounce, p50 / p99",
            fmt("%.0f / %.0f ms", p50 - DEBOUNCE_MS, p99 - DEBOUNCE_MS),
            "p50 ≤ 25 ms",
            p50 - DEBOUNCE_MS <= 25));
    table.add(
        row(
            "runQueued before runStarted",
            (saves + warmUp - outOfOrder) + " of " + (saves + warmUp),
            "all",
            outOfOrder == 0));
  }

  // ------------------------------------------------------------------ output throughput

  private void outputThroughput(Client c) throws Exception {
    section(
        fmt(
            "bridge stdio: a run writing %d MB to stdout and %.1f MB to stderr → output"
                + " notifications",
            outBytes / 1_000_000, errBytes / 1e6));
    BridgeApi.SetAutoRunParams off = new BridgeApi.SetAutoRunParams();
    off.enabled = false;
    c.bridge.setAutoRun(off).get(T.toSeconds(), TimeUnit.SECONDS);
    long direct = directWall();
    c.editor.resetOutput();
    BridgeApi.RunParams p = new BridgeApi.RunParams();
    p.args = List.of("big", Long.toString(outBytes), Long.toString(errBytes));
    long start = System.nanoTime();
    BridgeApi.RunResult r = c.bridge.run(p).get(10, TimeUnit.MINUTES);
    Timed<BridgeApi.RunFinished> finished =
        c.editor.await(BridgeApi.RunFinished.class, f -> f.runId == r.runId, 1, T);
    long wall = finished.nanos - start;
    Timed<BridgeApi.RunStarted> started =
        c.editor.await(BridgeApi.RunStarted.class, s -> s.runId == r.runId, 1, T);
    long rss = statusKb(c.process.pid(), "VmHWM");
    long total = outBytes + errBytes;
    double seconds = wall / 1e9;
    double mbPerSecond = c.editor.chars("stdout", "stderr") / 1e6 / seconds;
    System.out.printf(
        Locale.ROOT,
        "  returncode %d; the command alone (output to /dev/null) %.2f s; run request →"
            + " runFinished %.2f s (runStarted after %.0f ms)%n"
            + "  text delivered %.1f MB/s (%d chars in %.2f s); the bridge's peak RSS %d MiB%n",
        r.returncode,
        direct / 1e9,
        seconds,
        ms(started.nanos - start),
        mbPerSecond,
        c.editor.chars("stdout", "stderr"),
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
    table.add(
        row(
            "output: text delivered (run request → runFinished)",
            fmt("%.0f MB/s", mbPerSecond),
            "—",
            null));
    table.add(
        row(
            "output: notifications per stream, max in 1 s",
            worstWindow + " /s",
            "≤ ~60 /s",
            worstWindow <= 62));
    table.add(
        row(
            "output: chars delivered = bytes written",
            c.editor.chars("stdout", "stderr") + " / " + total,
            "equal",
            allDelivered));
    table.add(row("bridge stdio peak RSS", rss / 1024 + " MiB", "—", null));
  }

  // ------------------------------------------------------------------ many small writes

  /**
   * Many small writes to both streams: where coalescing matters (each write reaches the bridge as a
   * chunk of its own). The text is kept and compared whole: nothing lost, nothing out of order.
   */
  private void smallWrites(Client c) throws Exception {
    section(
        fmt(
            "bridge stdio: a run writing %d short lines to stdout and to stderr, one write each",
            lines));
    c.editor.resetOutput();
    c.editor.keepText = true;
    BridgeApi.RunParams p = new BridgeApi.RunParams();
    p.args = List.of("lines", Integer.toString(lines));
    long start = System.nanoTime();
    BridgeApi.RunResult r = c.bridge.run(p).get(10, TimeUnit.MINUTES);
    long wall = System.nanoTime() - start;
    c.editor.keepText = false;
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
      String got = c.editor.text(stream);
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
    table.add(
        row(
            "small writes: notifications per stream, max in 1 s",
            worstWindow + " /s",
            "≤ ~60 /s",
            worstWindow <= 62));
    table.add(
        row(
            "small writes: text per stream, exact and in order",
            exact ? "yes" : "no",
            "yes",
            exact));
    c.editor.resetOutput();
  }

  /** The heavy command on its own, output to /dev/null: what the bridge adds to. */
  private long directWall() throws Exception {
    long start = System.nanoTime();
    Process p =
        new ProcessBuilder(
                "/bin/sh",
                work.resolve("bench-tox.sh").toString(),
                "big",
                Long.toString(outBytes),
                Long.toString(errBytes))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("the heavy command failed on its own");
    }
    return System.nanoTime() - start;
  }

  /** The most timestamps in any window of {@code width} nanoseconds. */
  private static int maxInWindow(List<Long> sorted, long width) {
    int best = 0;
    int from = 0;
    for (int to = 0; to < sorted.size(); to++) {
      while (sorted.get(to) - sorted.get(from) >= width) {
        from++;
      }
      best = Math.max(best, to - from + 1);
    }
    return best;
  }

  // ------------------------------------------------------------------ the editor's side

  /** A notification and when it arrived; {@code seq} orders all notifications. */
  private record Timed<T>(T value, long nanos, long seq) {}

  /**
   * Records run notifications with their arrival times; of output it keeps lengths and times only
   * (hundreds of MB of text would not fit).
   */
  private static final class BenchEditor implements BridgeApi.Editor {
    private final List<Timed<Object>> received = new ArrayList<>();
    private final Map<String, Long> chars = new HashMap<>();
    private final Map<String, List<Long>> outputTimes = new HashMap<>();
    private final Map<String, StringBuilder> text = new HashMap<>();
    private long seq;

    /** Whether to keep the text of output too. */
    volatile boolean keepText;

    private synchronized void add(Object o) {
      received.add(new Timed<>(o, System.nanoTime(), seq++));
      notifyAll();
    }

    @Override
    public void runQueued(BridgeApi.RunQueued p) {
      add(p);
    }

    @Override
    public void runStarted(BridgeApi.RunStarted p) {
      add(p);
    }

    @Override
    public synchronized void output(BridgeApi.Output p) {
      long now = System.nanoTime();
      seq++;
      chars.merge(p.stream, (long) p.text.length(), Long::sum);
      outputTimes.computeIfAbsent(p.stream, s -> new ArrayList<>()).add(now);
      if (keepText) {
        text.computeIfAbsent(p.stream, s -> new StringBuilder()).append(p.text);
      }
    }

    @Override
    public void runFinished(BridgeApi.RunFinished p) {
      add(p);
    }

    @Override
    public void serverStatus(BridgeApi.ServerStatus p) {
      add(p);
    }

    @Override
    public void log(BridgeApi.Log p) {
      add(p);
      System.out.println("  (bridge log, " + p.level + ": " + p.message + ")");
    }

    synchronized void resetOutput() {
      chars.clear();
      outputTimes.clear();
      text.clear();
    }

    synchronized String text(String stream) {
      StringBuilder sb = text.get(stream);
      return sb == null ? "" : sb.toString();
    }

    synchronized long chars(String... streams) {
      long n = 0;
      for (String s : streams) {
        n += chars.getOrDefault(s, 0L);
      }
      return n;
    }

    synchronized List<Long> outputTimes(String stream) {
      return new ArrayList<>(outputTimes.getOrDefault(stream, List.of()));
    }

    /** Waits until every queued run has finished. */
    synchronized void awaitIdle(Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (count(BridgeApi.RunQueued.class) != count(BridgeApi.RunFinished.class)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException("Timed out waiting for the runs to finish");
        }
        wait(Math.max(1, left / 1_000_000));
      }
    }

    synchronized int count(Class<?> type) {
      return (int) received.stream().filter(t -> type.isInstance(t.value)).count();
    }

    /** Waits for the {@code n}-th notification of {@code type} that matches. */
    @SuppressWarnings("unchecked")
    synchronized <T> Timed<T> await(Class<T> type, Predicate<T> matching, int n, Duration timeout)
        throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        int seen = 0;
        for (Timed<Object> t : received) {
          if (type.isInstance(t.value) && matching.test(type.cast(t.value)) && ++seen == n) {
            return (Timed<T>) (Timed<?>) t;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException(
              "Timed out waiting for " + type.getSimpleName() + " #" + n);
        }
        wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  /** {@code bridge/bin/bridge stdio} with an lsp4j client on its pipes. */
  private static final class Client implements AutoCloseable {
    final Process process;
    final BenchEditor editor = new BenchEditor();
    final BridgeApi.Bridge bridge;
    private final Future<Void> listening;

    private Client(Process process) {
      this.process = process;
      Launcher<BridgeApi.Bridge> launcher =
          new Launcher.Builder<BridgeApi.Bridge>()
              .setLocalService(editor)
              .setRemoteInterface(BridgeApi.Bridge.class)
              .setInput(process.getInputStream())
              .setOutput(process.getOutputStream())
              .setExecutorService(Executors.newCachedThreadPool(daemons()))
              .create();
      bridge = launcher.getRemoteProxy();
      listening = launcher.startListening();
    }

    static Client start(Path bridge, Path work) throws IOException {
      ProcessBuilder pb =
          new ProcessBuilder(bridge.toString(), "stdio")
              .directory(work.toFile())
              .redirectError(work.resolve("bridge.err").toFile());
      pb.environment().remove("TOX_SERVER_PORT");
      return new Client(pb.start());
    }

    private static java.util.concurrent.ThreadFactory daemons() {
      return r -> {
        Thread t = new Thread(r, "bench-client");
        t.setDaemon(true);
        return t;
      };
    }

    int waitFor(Duration timeout) throws InterruptedException {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("bridge stdio still running after " + timeout);
      }
      return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
      listening.cancel(true);
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  // ------------------------------------------------------------------ helpers

  private static String[] row(String metric, String measured, String target, Boolean met) {
    return new String[] {metric, measured, target, met == null ? "—" : met ? "met" : "MISSED"};
  }

  private void printTable() {
    section(
        "Summary ("
            + Runtime.getRuntime().availableProcessors()
            + " cores; figures vary from run to run)");
    System.out.printf("  %-52s %-24s %-28s %s%n", "metric", "measured", "target", "verdict");
    for (String[] r : table) {
      System.out.printf("  %-52s %-24s %-28s %s%n", (Object[]) r);
    }
  }

  private static long statusKb(long pid, String key) throws IOException {
    Path status = Path.of("/proc/" + pid + "/status");
    if (!Files.exists(status)) {
      return -1;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith(key + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private static void awaitFile(Path file, String text, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!(Files.exists(file) && Files.readString(file).contains(text))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "Timed out waiting for '" + text + "' in " + file + ":\n" + Files.readString(file));
      }
      Thread.sleep(5);
    }
  }
}
