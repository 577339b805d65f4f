package dev.toxserver.bench.watch;

import dev.toxserver.bench.ScratchDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The watcher benchmark: start-up, inotify watches, save-to-batch latency and peak RSS of a {@link
 * dev.toxserver.watch.ProjectWatcher} on a 50 000-file project whose files are mostly in {@code
 * node_modules}, {@code .git} and {@code .tox}; the same start-up with directory-watcher's own walk
 * and hashing, for comparison; polling; and the worst case, 50 000 files none of which is ignored.
 *
 * <p>Run it with {@code bridge/bin/watch-benchmark [--quick]} after {@code mvn -q package
 * -DskipTests}. It builds its trees in a temporary directory (or {@code --dir}) and deletes them at
 * the end. Each scenario runs in a JVM of its own ({@link WatchMeasurement}), so that start-up is a
 * cold start and the peak RSS is the watcher's, not the tree builder's. Exit status 1 when a save
 * was not reported as expected, 2 on a usage error.
 */
public final class WatchBenchmark {
  private final WatchBenchSettings settings;
  private final SplittableRandom random = new SplittableRandom(42);

  private WatchBenchmark(WatchBenchSettings settings) {
    this.settings = settings;
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--measure")) {
      try {
        WatchMeasurement.run(args);
      } catch (WatchBenchFailure e) {
        System.err.println("watch-benchmark: " + e.getMessage());
        System.exit(1);
      }
      System.exit(0);
    }
    WatchBenchSettings settings = WatchBenchSettings.readOrExit(args);
    ScratchDirectory scratch;
    try {
      scratch =
          settings.dir() == null
              ? ScratchDirectory.create("watch-benchmark")
              : ScratchDirectory.at(settings.dir());
    } catch (IOException e) {
      System.err.println("watch-benchmark: " + e.getMessage());
      System.exit(2);
      return;
    }
    int status = 0;
    try (scratch) {
      if (settings.keep()) {
        scratch.keep();
      }
      new WatchBenchmark(settings).run(scratch.path());
    } catch (WatchBenchFailure e) {
      System.err.println("watch-benchmark: " + e.getMessage());
      status = 1;
    } finally {
      if (settings.keep()) {
        System.out.println("trees kept in " + scratch.path());
      }
    }
    System.exit(status);
  }

  private void run(Path scratch) throws Exception {
    System.out.printf(
        Locale.ROOT,
        "watch benchmark: %d files, %d saves, debounce %d ms, %d cores, %s; measuring JVMs: %s%n%n",
        settings.files(),
        settings.saves(),
        settings.debounce().toMillis(),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
        String.join(" ", settings.jvmOptions()));

    Path project = scratch.resolve("project");
    long t0 = System.nanoTime();
    GeneratedTree tree = GeneratedTree.project(project, settings.files(), random);
    System.out.printf(
        Locale.ROOT,
        "tree: %d files (%d watched) in %d directories (%d watched), %.0f MiB, built in %.1f s%n%n",
        tree.files,
        tree.sourceFiles,
        tree.directories,
        tree.sourceDirectories,
        tree.bytes / 1048576.0,
        (System.nanoTime() - t0) / 1e9);

    System.out.println("1. ProjectWatcher, inotify events");
    measure("events", project);
    System.out.println();
    System.out.println("2. directory-watcher on its own (start-up = its walk + its hashing)");
    measure("directory-watcher", project);
    measure("directory-watcher-filtered", project);
    System.out.println();
    System.out.printf(
        Locale.ROOT, "3. ProjectWatcher, polling every %d ms%n", settings.poll().toMillis());
    measure("polling", project);
    System.out.println();
    System.out.println("4. worst case: every file watched (no node_modules, .git or .tox)");
    Path flat = scratch.resolve("all-source");
    GeneratedTree all = GeneratedTree.allSource(flat, settings.files(), random);
    System.out.printf(
        Locale.ROOT,
        "   tree: %d files in %d directories, %.0f MiB%n",
        all.files,
        all.directories,
        all.bytes / 1048576.0);
    measure("events-no-latency", flat);
  }

  /** Runs one scenario in a fresh JVM, its output going straight to ours. */
  private void measure(String scenario, Path root) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(settings.jvmOptions());
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            WatchBenchmark.class.getName(),
            "--measure",
            scenario,
            root.toString(),
            String.valueOf(settings.saves()),
            String.valueOf(settings.debounce().toMillis()),
            String.valueOf(settings.poll().toMillis())));
    Process process = new ProcessBuilder(command).inheritIO().start();
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new WatchBenchFailure(scenario + ": did not finish within 10 minutes");
    }
    if (process.exitValue() != 0) {
      throw new WatchBenchFailure(
          scenario + ": the measuring JVM exited with " + process.exitValue());
    }
  }
}
