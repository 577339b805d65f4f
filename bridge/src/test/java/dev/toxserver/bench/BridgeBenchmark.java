package dev.toxserver.bench;

import static dev.toxserver.bench.Bench.deleteTree;
import static dev.toxserver.bench.Bench.fmt;
import static dev.toxserver.bench.Bench.freePort;
import static dev.toxserver.bench.Bench.ms;
import static dev.toxserver.bench.Bench.percentile;
import static dev.toxserver.bench.Bench.section;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Measures the bridge as users run it, through {@code bridge/bin/bridge}: the whole-process wall
 * time of {@code bridge run} beside the same command run directly, the time from a save to the
 * run's command starting under {@code bridge watch}, and the memory and start-up of {@code bridge
 * watch} on a 50 000-file tree. Prints figures and a table against the targets.
 *
 * <p>Run with {@code bridge/bin/benchmark} after {@code mvn -q package -DskipTests}.
 */
public final class BridgeBenchmark {
  private final Path repo;
  private final Path bridge;
  private final Path toxServer;
  private final Path work;
  private final boolean quick;
  private final List<String[]> table = new ArrayList<>();

  private BridgeBenchmark(Path repo, Path work, boolean quick) {
    this.repo = repo;
    this.bridge = repo.resolve("bridge/bin/bridge");
    this.toxServer = repo.resolve("server/bin/tox-server");
    this.work = work;
    this.quick = quick;
  }

  public static void main(String[] args) throws Exception {
    boolean quick = Arrays.asList(args).contains("--quick");
    if (Arrays.asList(args).contains("--help")) {
      System.out.println(
          "Usage: bridge/bin/benchmark [--quick]\n"
              + "Measures bridge run start-up, save-to-run latency of bridge watch, and bridge\n"
              + "watch on a 50 000-file tree. --quick: fewer repetitions, a smaller tree.");
      return;
    }
    Path repo = Path.of(System.getProperty("bench.repo", "")).toAbsolutePath().normalize();
    Path work = Files.createTempDirectory("bridge-bench");
    BridgeBenchmark b = new BridgeBenchmark(repo, work, quick);
    try {
      b.runStartUp();
      b.saveToRun();
      b.largeTree();
      b.printTable();
    } finally {
      deleteTree(work);
    }
  }

  // ------------------------------------------------------------------ bridge run start-up

  private void runStartUp() throws Exception {
    section("bridge run -- (a command that exits at once): whole-process wall time");
    int port = freePort();
    Process server =
        new ProcessBuilder(
                toxServer.toString(), "-p", Integer.toString(port), "serve", "--command", "true")
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("server.log").toFile())
            .start();
    try {
      awaitFile(work.resolve("server.log"), "^C to exit", Duration.ofSeconds(30));
      List<String> bridgeRun = List.of(bridge.toString(), "-p", Integer.toString(port), "run");
      // The first start records the class-data archive; the rest warm up the server's JIT, as a
      // long-running server in a container is warm.
      for (int i = 0; i < 20; i++) {
        wall(bridgeRun);
      }
      int n = quick ? 10 : 30;
      long[] viaBridge = new long[n];
      long[] direct = new long[n];
      for (int i = 0; i < n; i++) {
        viaBridge[i] = wall(bridgeRun);
        direct[i] = wall(List.of("true"));
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
      table.add(
          new String[] {
            "bridge run overhead, p50 (JVM start-up included)",
            fmt("%.0f ms", ms(overhead)),
            "≤ 110 ms",
            verdict(ms(overhead) <= 110)
          });
    } finally {
      server.destroy();
      server.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static long wall(List<String> command) throws Exception {
    long start = System.nanoTime();
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(command + " failed");
    }
    return System.nanoTime() - start;
  }

  // ------------------------------------------------------------------ save → run

  private void saveToRun() throws Exception {
    int debounceMs = 100;
    section("bridge watch: save → the run's command started (debounce " + debounceMs + " ms)");
    Path project = Files.createDirectories(work.resolve("project"));
    Files.createDirectories(project.resolve("src"));
    Path log = work.resolve("starts.log");
    Files.writeString(log, "");
    // The command notes when it starts ($EPOCHREALTIME: no extra process) and exits.
    String command = "bash -c 'echo $EPOCHREALTIME >> " + log + "'";
    Path stderr = work.resolve("watch.err");
    Process watch =
        new ProcessBuilder(
                bridge.toString(),
                "watch",
                "--local",
                "--command",
                command,
                "--debounce",
                Integer.toString(debounceMs),
                project.toString())
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(stderr.toFile())
            .start();
    try {
      awaitFile(stderr, "Watching", Duration.ofSeconds(30));
      int n = quick ? 15 : 60;
      long[] latency = new long[n];
      for (int i = 0; i < n; i++) {
        Instant saved = Instant.now();
        Files.writeString(project.resolve("src/module.py"), "VALUE = " + i + "\n");
        awaitLines(log, i + 1, Duration.ofSeconds(30));
        awaitCount(stderr, "[DONE]", i + 1, Duration.ofSeconds(30));
        List<String> lines = Files.readAllLines(log);
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
      table.add(
          new String[] {
            "save → command started, p50 / p99",
            fmt("%.0f / %.0f ms", p50, p99),
            "≤ debounce + 20 = " + (debounceMs + 20) + " ms p50",
            verdict(p50 <= debounceMs + 20)
          });
    } finally {
      stop(watch);
    }
  }

  private static Instant epochRealtime(String line) {
    String[] parts = line.trim().split("[.,]");
    long seconds = Long.parseLong(parts[0]);
    long micros = Long.parseLong((parts[1] + "000000").substring(0, 6));
    return Instant.ofEpochSecond(seconds, micros * 1000);
  }

  // ------------------------------------------------------------------ a large tree

  private void largeTree() throws Exception {
    int files = quick ? 10_000 : 50_000;
    section("bridge watch on a " + files + "-file tree (deep node_modules, .git, .tox)");
    Path tree = Files.createDirectories(work.resolve("large"));
    int watched = makeTree(tree, files);
    Path stderr = work.resolve("large.err");
    long start = System.nanoTime();
    Process watch =
        new ProcessBuilder(
                bridge.toString(), "watch", "--local", "--command", "true", tree.toString())
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(stderr.toFile())
            .start();
    try {
      awaitFile(stderr, "Watching", Duration.ofSeconds(120));
      long startUp = System.nanoTime() - start;
      for (int i = 0; i < 5; i++) {
        Files.writeString(tree.resolve("src/pkg0/mod0.py"), "CHANGED = " + i + "\n");
        awaitCount(stderr, "[DONE]", i + 1, Duration.ofSeconds(30));
      }
      long hwmKb = statusKb(watch.pid(), "VmHWM");
      long rssKb = statusKb(watch.pid(), "VmRSS");
      String said = lineWith(stderr, "Watching");
      System.out.printf(
          Locale.ROOT,
          "  start-up to 'Watching' %.0f ms (JVM start-up included); %s%n"
              + "  %d watchable files of %d; peak RSS %d MiB, RSS after 5 runs %d MiB%n",
          ms(startUp),
          said.trim(),
          watched,
          files,
          hwmKb / 1024,
          rssKb / 1024);
      table.add(
          new String[] {
            "watch start-up, " + files + " files",
            fmt("%.1f s", startUp / 1e9),
            "a few seconds",
            verdict(startUp < TimeUnit.SECONDS.toNanos(5))
          });
      table.add(
          new String[] {"watch peak RSS, " + files + " files", hwmKb / 1024 + " MiB", "—", "—"});
    } finally {
      stop(watch);
    }
  }

  /**
   * Source files (watched) plus node_modules, .git and .tox (ignored) to {@code total} files;
   * returns how many are in watched directories.
   */
  private static int makeTree(Path root, int total) throws IOException {
    int source = total / 10;
    int written = 0;
    for (int i = 0; i < source; i++, written++) {
      Path dir = root.resolve("src/pkg" + (i % 50));
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("mod" + i / 50 + ".py"), "X = " + i + "\n");
    }
    String[] ignored = {"node_modules", ".git/objects", ".tox/py3/lib"};
    for (int i = 0; written < total; i++, written++) {
      String base = ignored[i % ignored.length];
      Path dir =
          root.resolve(base + "/a" + (i % 40) + "/b" + (i / 40 % 25) + "/c" + (i / 1000 % 10));
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("f" + i + ".js"), "x");
    }
    Files.writeString(root.resolve(".gitignore"), "*.log\n");
    return source;
  }

  // ------------------------------------------------------------------ helpers

  private static long statusKb(long pid, String key) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith(key + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private static void stop(Process p) throws InterruptedException {
    try {
      p.getOutputStream().write('q');
      p.getOutputStream().flush();
    } catch (IOException e) {
      // already gone
    }
    if (!p.waitFor(15, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  private static String lineWith(Path file, String text) throws IOException {
    for (String line : Files.readAllLines(file)) {
      if (line.contains(text)) {
        return line;
      }
    }
    return "";
  }

  private static void awaitFile(Path file, String text, Duration timeout) throws Exception {
    awaitCount(file, text, 1, timeout);
  }

  private static void awaitCount(Path file, String text, int count, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String content = Files.exists(file) ? Files.readString(file) : "";
      if (content.split(java.util.regex.Pattern.quote(text), -1).length - 1 >= count) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "Timed out waiting for " + count + "× '" + text + "' in " + file + ":\n" + content);
      }
      Thread.sleep(1); // a benchmark polls; tests wait for events
    }
  }

  private static void awaitLines(Path file, int count, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try (InputStream in = Files.newInputStream(file)) {
        String content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (content.chars().filter(c -> c == '\n').count() >= count) {
          return;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Timed out waiting for " + count + " lines in " + file);
      }
      Thread.sleep(1);
    }
  }

  private void printTable() {
    section("Summary (2 cores; figures vary from run to run)");
    System.out.printf("  %-52s %-16s %-28s %s%n", "metric", "measured", "target", "verdict");
    for (String[] row : table) {
      System.out.printf("  %-52s %-16s %-28s %s%n", (Object[]) row);
    }
  }

  private static String verdict(boolean met) {
    return met ? "met" : "MISSED";
  }
}
