package dev.toxserver.bench.stdio;

import static dev.toxserver.bench.Figures.fmt;
import static dev.toxserver.bench.Figures.ms;
import static dev.toxserver.bench.Report.met;
import static dev.toxserver.bench.Report.section;

import dev.toxserver.bench.Arguments;
import dev.toxserver.bench.Checkout;
import dev.toxserver.bench.Processes;
import dev.toxserver.bench.Report;
import dev.toxserver.bench.ScratchDirectory;
import dev.toxserver.bench.ServerProcess;
import dev.toxserver.rpc.BridgeApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Measures {@code bridge stdio} as an editor sees it: a real {@code bridge/bin/bridge stdio}
 * process with an lsp4j client on its pipes ({@link StdioClient}), against a real {@code
 * server/bin/tox-server serve}.
 *
 * <ul>
 *   <li>Save → {@code runStarted} with autoRun and a 100 ms debounce over 60 saves ({@link
 *       SaveToRunStarted}); target p50 ≤ debounce + 25 ms.
 *   <li>{@code output} throughput of a run writing 100 MB ({@link OutputThroughput}).
 *   <li>300 000 small writes per stream, where coalescing matters ({@link SmallWrites}).
 * </ul>
 *
 * <p>Run it with {@code bridge/bin/stdio-benchmark} after {@code mvn -q package -DskipTests} (in
 * the project root); {@code --quick} for a smoke check, {@code --help} for the options.
 */
public final class StdioBenchmark {
  static final int DEBOUNCE_MS = 100;

  /** How long any one reply or notification may take. */
  static final Duration T = Duration.ofSeconds(60);

  private static final String USAGE =
      """
      Usage: bridge/bin/stdio-benchmark [--quick] [--saves N] [--mb N]
      Measures bridge stdio through an lsp4j client: save → runStarted latency with
      autoRun (default 60 saves), output throughput of a run writing N MB (default
      100), and coalescing of 300 000 small writes per stream. --quick: 15 saves,
      20 MB, 100 000 writes.
      """;

  private record StdioBenchSettings(int saves, long outBytes, int lines) {}

  private final Checkout checkout;
  private final Path work;
  private final StdioBenchSettings settings;
  private final Report report = new Report();

  private StdioBenchmark(Checkout checkout, Path work, StdioBenchSettings settings) {
    this.checkout = checkout;
    this.work = work;
    this.settings = settings;
  }

  public static void main(String[] args) throws Exception {
    StdioBenchSettings settings =
        Arguments.readOrExit(
            "stdio-benchmark",
            USAGE,
            args,
            Set.of("--quick"),
            Set.of("--saves", "--mb"),
            a -> {
              boolean quick = a.flag("--quick");
              int saves = a.intNumber("--saves", quick ? 15 : 60);
              long mb = a.number("--mb", quick ? 20 : 100);
              Arguments.require(saves >= 1 && mb >= 1, "--saves and --mb must be at least 1");
              return new StdioBenchSettings(saves, mb * 1_000_000, quick ? 100_000 : 300_000);
            });
    try (ScratchDirectory work = ScratchDirectory.create("stdio-bench")) {
      new StdioBenchmark(Checkout.fromProperty(), work.path(), settings).runAll();
    }
  }

  private void runAll() throws Exception {
    Path script = writeCommand();
    Path project = Files.createDirectories(work.resolve("project"));
    Files.createDirectories(project.resolve("src"));
    Files.writeString(project.resolve("src/module.py"), "VALUE = -1\n");
    Files.writeString(project.resolve("tox.ini"), "[tox]\nenv_list = py3\n");
    try (ServerProcess server =
            ServerProcess.start(
                checkout, "server", List.of("/bin/sh", script.toString()), work, List.of());
        StdioClient c = StdioClient.start(checkout.bridgeLauncher(), work)) {
      BridgeApi.InitializeParams p = new BridgeApi.InitializeParams();
      p.workspaceFolder = project.toString();
      p.server = new BridgeApi.ServerOptions();
      p.server.host = "127.0.0.1";
      p.server.port = server.port();
      p.toxArgs = List.of("quick");
      p.autoRun = true;
      p.watch = new BridgeApi.WatchOptions();
      p.watch.debounceMs = DEBOUNCE_MS;
      BridgeApi.InitializeResult init = c.bridge.initialize(p).get(T.toSeconds(), TimeUnit.SECONDS);
      if (!init.serverReachable) {
        throw new IllegalStateException("the server is not reachable:\n" + server.logTail(20));
      }
      new SaveToRunStarted(c, report, settings.saves()).run(project);
      new OutputThroughput(c, report, script, settings.outBytes()).run();
      new SmallWrites(c, report, settings.lines()).run();
      shutdown(c);
      section(
          "Summary ("
              + Runtime.getRuntime().availableProcessors()
              + " cores; figures vary from run to run)");
      report.printColumns(52, 24, 28);
    }
  }

  /**
   * The server's command: 'big OUT ERR' writes OUT bytes of 80-column lines to stdout and ERR to
   * stderr at once; 'lines N' writes N short lines to each, one write each, alternating; anything
   * else exits at once (the auto-runs).
   */
  private Path writeCommand() throws Exception {
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
    return script;
  }

  private void shutdown(StdioClient c) throws Exception {
    section("bridge stdio: shutdown and exit, nothing running");
    long rss = Processes.statusKib(c.process.pid(), "VmRSS");
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
    report.add("bridge stdio RSS after the runs, idle", rss / 1024 + " MiB", "—", met(null));
    report.add("shutdown reply, nothing running", fmt("%.0f ms", ms(shutdown)), "—", met(null));
  }
}
