package dev.toxserver.bench.bridge;

import static dev.toxserver.bench.Figures.fmt;
import static dev.toxserver.bench.Figures.ms;
import static dev.toxserver.bench.Report.met;
import static dev.toxserver.bench.Report.section;

import dev.toxserver.bench.LogFile;
import dev.toxserver.bench.Processes;
import dev.toxserver.bench.Report;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** {@code bridge watch} on a large tree: start-up until it watches, and its memory. */
final class LargeTreeScenario {
  private final Path bridge;
  private final Path work;
  private final boolean quick;
  private final Report report;

  LargeTreeScenario(Path bridge, Path work, boolean quick, Report report) {
    this.bridge = bridge;
    this.work = work;
    this.quick = quick;
    this.report = report;
  }

  void run() throws Exception {
    int files = quick ? 10_000 : 50_000;
    section("bridge watch on a " + files + "-file tree (deep node_modules, .git, .tox)");
    Path tree = Files.createDirectories(work.resolve("large"));
    int watched = makeTree(tree, files);
    LogFile stderr = new LogFile(work.resolve("large.err"));
    long start = System.nanoTime();
    Process watch =
        new ProcessBuilder(
                bridge.toString(), "watch", "--local", "--command", "true", tree.toString())
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(stderr.path().toFile())
            .start();
    try {
      String said = stderr.awaitLineWith("Watching", Duration.ofSeconds(120));
      long startUp = System.nanoTime() - start;
      for (int i = 0; i < 5; i++) {
        Files.writeString(tree.resolve("src/pkg0/mod0.py"), "CHANGED = " + i + "\n");
        stderr.awaitText("[DONE]", i + 1, Duration.ofSeconds(30));
      }
      long hwmKb = Processes.statusKib(watch.pid(), "VmHWM");
      long rssKb = Processes.statusKib(watch.pid(), "VmRSS");
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
      report.add(
          "watch start-up, " + files + " files",
          fmt("%.1f s", startUp / 1e9),
          "a few seconds",
          met(startUp < TimeUnit.SECONDS.toNanos(5)));
      report.add("watch peak RSS, " + files + " files", hwmKb / 1024 + " MiB", "—", "—");
    } finally {
      Processes.quit(watch);
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
}
