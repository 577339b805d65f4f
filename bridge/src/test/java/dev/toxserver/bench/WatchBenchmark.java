package dev.toxserver.bench;

import dev.toxserver.cli.UsageError;
import dev.toxserver.watch.ChangeBatch;
import dev.toxserver.watch.PathFilter;
import dev.toxserver.watch.ProjectWatcher;
import dev.toxserver.watch.WatchSettings;
import io.methvin.watcher.DirectoryWatcher;
import io.methvin.watcher.visitor.FileTreeVisitor;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The watcher benchmark: start-up, inotify watches, save-to-batch latency and peak RSS of a {@link
 * ProjectWatcher} on a 50 000-file project whose files are mostly in {@code node_modules}, {@code
 * .git} and {@code .tox}; the same start-up with directory-watcher's own walk and hashing, for
 * comparison; polling; and the worst case, 50 000 files none of which is ignored.
 *
 * <p>Run it with {@code bridge/bin/watch-benchmark [--quick]} after {@code mvn -q package
 * -DskipTests}. It builds its trees in a temporary directory (or {@code --dir}) and deletes them at
 * the end. Each scenario runs in a JVM of its own (this class with {@code --measure}), so that
 * start-up is a cold start and the peak RSS is the watcher's, not the tree builder's. It is a plain
 * program in the test sources, not a test: its figures depend on the machine. Exit status 1 when a
 * save was not reported as expected, 2 on a usage error.
 */
public final class WatchBenchmark {
  private static final String USAGE =
      """
      Usage: bridge/bin/watch-benchmark [--quick] [--files N] [--saves N] [--debounce MS]
                                        [--poll MS] [--dir DIR] [--jvm-option OPT]...

      Builds a project of N files (default 50000: 10% sources and tests, the rest in a deep
      node_modules, .git and .tox), then measures, each in a fresh JVM:
        1. ProjectWatcher with inotify events: start-up (walk, registration, hashing), the
           directories it registers, save-to-batch latency over --saves saves (default 100)
           with --debounce (default 100 ms), a second (warm) start-up, and peak RSS (VmHWM)
        2. directory-watcher on its own: its default walk and fileHashing(true), then with
           ProjectWatcher's filter as its walk: start-up, inotify watches, peak RSS
        3. ProjectWatcher polling every --poll ms (default 500): start-up and latency
        4. the worst case: N files, none ignored

        --quick           5000 files, 20 saves: a smoke check
        --dir DIR         build the trees in DIR (must not exist) instead of a temporary directory
        --keep            leave the trees there at the end (to rerun one scenario by hand:
                          java -cp ... dev.toxserver.bench.WatchBenchmark --measure SCENARIO DIR
                          SAVES DEBOUNCE_MS POLL_MS)
        --jvm-option OPT  JVM option for the measuring JVMs (repeatable; default: those of a
                          long-running launcher: -XX:+UseSerialGC -Xss512k -Xms8m
                          -XX:MaxHeapFreeRatio=40 -XX:MinHeapFreeRatio=10)
      """;

  private static final List<String> DEFAULT_JVM_OPTIONS =
      List.of(
          "-XX:+UseSerialGC",
          "-Xss512k",
          "-Xms8m",
          "-XX:MaxHeapFreeRatio=40",
          "-XX:MinHeapFreeRatio=10");

  private record Settings(
      int files,
      int saves,
      Duration debounce,
      Duration poll,
      Path dir,
      boolean keep,
      List<String> jvmOptions) {
    static Settings parse(String[] args) {
      int files = 50_000;
      int saves = 100;
      long debounce = 100;
      long poll = 500;
      Path dir = null;
      boolean keep = false;
      List<String> jvm = new ArrayList<>();
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--quick" -> {
            files = 5_000;
            saves = 20;
          }
          case "--files" -> files = Integer.parseInt(value(args, ++i));
          case "--saves" -> saves = Integer.parseInt(value(args, ++i));
          case "--debounce" -> debounce = Long.parseLong(value(args, ++i));
          case "--poll" -> poll = Long.parseLong(value(args, ++i));
          case "--dir" -> dir = Path.of(value(args, ++i));
          case "--keep" -> keep = true;
          case "--jvm-option" -> jvm.add(value(args, ++i));
          case "-h", "--help" -> throw new UsageError(null);
          default -> throw new UsageError("unknown option " + args[i]);
        }
      }
      if (files < 1000 || saves < 1 || debounce < 1 || poll < 1) {
        throw new UsageError(
            "--files must be at least 1000; --saves, --debounce, --poll at least 1");
      }
      return new Settings(
          files,
          saves,
          Duration.ofMillis(debounce),
          Duration.ofMillis(poll),
          dir,
          keep,
          jvm.isEmpty() ? DEFAULT_JVM_OPTIONS : List.copyOf(jvm));
    }

    private static String value(String[] args, int i) {
      if (i >= args.length) {
        throw new UsageError("missing value after " + args[i - 1]);
      }
      return args[i];
    }
  }

  private static final class UsageError extends RuntimeException {
    UsageError(String message) {
      super(message);
    }
  }

  private static final class Failure extends RuntimeException {
    Failure(String message) {
      super(message);
    }
  }

  private final Settings settings;
  private final SplittableRandom random = new SplittableRandom(42);

  private WatchBenchmark(Settings settings) {
    this.settings = settings;
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--measure")) {
      try {
        Measure.run(args);
      } catch (Failure e) {
        System.err.println("watch-benchmark: " + e.getMessage());
        System.exit(1);
      }
      System.exit(0);
    }
    Settings settings;
    try {
      settings = Settings.parse(args);
    } catch (UsageError e) {
      if (e.getMessage() != null) {
        System.err.println("watch-benchmark: " + e.getMessage());
      }
      (e.getMessage() == null ? System.out : System.err).print(USAGE);
      System.exit(e.getMessage() == null ? 0 : 2);
      return;
    } catch (NumberFormatException e) {
      System.err.println("watch-benchmark: not a number: " + e.getMessage());
      System.exit(2);
      return;
    }
    Path scratch;
    if (settings.dir() == null) {
      scratch = Files.createTempDirectory("watch-benchmark");
    } else if (Files.exists(settings.dir())) {
      // It deletes its scratch directory at the end: never one it did not make.
      System.err.println("watch-benchmark: " + settings.dir() + " exists; name a new directory");
      System.exit(2);
      return;
    } else {
      scratch = Files.createDirectories(settings.dir());
    }
    int status = 0;
    try {
      new WatchBenchmark(settings).run(scratch);
    } catch (Failure e) {
      System.err.println("watch-benchmark: " + e.getMessage());
      status = 1;
    } finally {
      if (settings.keep()) {
        System.out.println("trees kept in " + scratch);
      } else {
        deleteTree(scratch);
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
    Tree tree = buildProject(project, settings.files());
    System.out.printf(
        Locale.ROOT,
        "tree: %d files (%d watched) in %d directories (%d watched), %.0f MiB, built in %.1f s%n%n",
        tree.files,
        tree.sourceFiles.size(),
        tree.directories,
        tree.sourceDirectories,
        tree.bytes / 1048576.0,
        seconds(System.nanoTime() - t0));

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
    Tree all = buildAllSource(flat, settings.files());
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
      throw new Failure(scenario + ": did not finish within 10 minutes");
    }
    if (process.exitValue() != 0) {
      throw new Failure(scenario + ": the measuring JVM exited with " + process.exitValue());
    }
  }

  /** One scenario, in the JVM that {@link #measure} started. */
  private static final class Measure {
    private final Path root;
    private final int saves;
    private final Duration debounce;
    private final Duration poll;
    private final SplittableRandom random = new SplittableRandom(7);

    private Measure(Path root, int saves, Duration debounce, Duration poll) {
      this.root = root;
      this.saves = saves;
      this.debounce = debounce;
      this.poll = poll;
    }

    static void run(String[] args) throws Exception {
      String scenario = args[1];
      Measure measure =
          new Measure(
              Path.of(args[2]),
              Integer.parseInt(args[3]),
              Duration.ofMillis(Long.parseLong(args[4])),
              Duration.ofMillis(Long.parseLong(args[5])));
      WatchSettings events = WatchSettings.of(measure.root).withDebounce(measure.debounce);
      switch (scenario) {
        case "events" -> {
          measure.watcher(events, "cold JVM", true);
          measure.watcher(events, "warm JVM", false);
        }
        case "events-no-latency" -> measure.watcher(events, "cold JVM", false);
        case "polling" -> measure.watcher(events.withPollInterval(measure.poll), "cold JVM", true);
        case "directory-watcher" ->
            measure.directoryWatcher("default walk, fileHashing(true)", null);
        case "directory-watcher-filtered" ->
            measure.directoryWatcher(
                "ProjectWatcher's filter as its walk, fileHashing(true)",
                filteringVisitor(measure.root));
        default -> throw new Failure("unknown scenario " + scenario);
      }
      System.out.printf(
          Locale.ROOT, "   peak RSS of this JVM (VmHWM): %.0f MiB%n", status("VmHWM") / 1024.0);
    }

    // ---------------------------------------------------------------- measurements

    private void watcher(WatchSettings watch, String label, boolean latency) throws Exception {
      List<Path> sources = sources(root);
      BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
      AtomicReference<Exception> failure = new AtomicReference<>();
      ProjectWatcher.Listener listener =
          new ProjectWatcher.Listener() {
            @Override
            public void changed(ChangeBatch batch) {
              deliveries.add(new Delivery(System.nanoTime(), batch));
            }

            @Override
            public void failed(Exception error) {
              failure.compareAndSet(null, error);
            }
          };
      int watchesBefore = inotifyWatches();
      long start = System.nanoTime();
      try (ProjectWatcher watcher = ProjectWatcher.start(watch, listener)) {
        long started = System.nanoTime() - start;
        System.out.printf(
            Locale.ROOT,
            "   start-up (%s): %.0f ms; %d directories registered (inotify watches: %d), %d files"
                + " hashed%n",
            label,
            started / 1e6,
            watcher.watchedDirectories(),
            inotifyWatches() - watchesBefore,
            watcher.filesAtStart());
        if (!latency) {
          return;
        }
        int saves = watch.polling() ? Math.min(this.saves, 30) : this.saves;
        long[] delays = new long[saves];
        for (int i = 0; i < saves; i++) {
          Path file = sources.get(random.nextInt(sources.size()));
          // Unique content: an earlier scenario (or run) saved to the same files, and saving what a
          // file already holds is rightly not a change.
          String content =
              "# save " + i + " at " + System.nanoTime() + "\n" + "x = 1\n".repeat(300);
          if (watch.polling()) {
            // Saves come at any moment of a poll interval, not just after the last delivery.
            Thread.sleep(random.nextLong(watch.pollInterval().toMillis()));
          }
          long written = System.nanoTime();
          Files.writeString(file, content, StandardCharsets.UTF_8);
          Delivery delivery = deliveries.poll(10, TimeUnit.SECONDS);
          if (delivery == null) {
            throw new Failure(
                "no batch within 10 s of saving " + file + " (" + failure.get() + ")");
          }
          Path expected = root.relativize(file);
          if (!delivery.batch.files().equals(List.of(expected))) {
            throw new Failure("saved " + expected + ", batch named " + delivery.batch.files());
          }
          delays[i] = delivery.nanos - written;
        }
        if (failure.get() != null) {
          throw new Failure("the watcher failed: " + failure.get());
        }
        Arrays.sort(delays);
        long debounce = watch.debounce().toNanos();
        System.out.printf(
            Locale.ROOT,
            "   save -> batch over %d saves: p50 %.1f ms, p99 %.1f ms, max %.1f ms;"
                + " minus the %d ms debounce: p50 %.1f ms, p99 %.1f ms%n",
            saves,
            percentile(delays, 50) / 1e6,
            percentile(delays, 99) / 1e6,
            delays[delays.length - 1] / 1e6,
            watch.debounce().toMillis(),
            (percentile(delays, 50) - debounce) / 1e6,
            (percentile(delays, 99) - debounce) / 1e6);
      }
    }

    private record Delivery(long nanos, ChangeBatch batch) {}

    private void directoryWatcher(String label, FileTreeVisitor visitor) throws Exception {
      int watchesBefore = inotifyWatches();
      long start = System.nanoTime();
      DirectoryWatcher.Builder builder =
          DirectoryWatcher.builder().path(root).fileHashing(true).listener(event -> {});
      if (visitor != null) {
        builder.fileTreeVisitor(visitor);
      }
      DirectoryWatcher watcher = builder.build();
      Thread[] thread = new Thread[1];
      watcher.watchAsync(
          command -> {
            thread[0] = new Thread(command, "benchmark-directory-watcher");
            thread[0].setDaemon(true);
            thread[0].start();
          });
      long started = System.nanoTime() - start;
      int watches = inotifyWatches() - watchesBefore;
      watcher.close();
      if (thread[0] != null) {
        thread[0].join();
      }
      System.out.printf(
          Locale.ROOT,
          "   %s (cold JVM): start-up %.0f ms, %d inotify watches, %d paths hashed (files and directories)%n",
          label,
          started / 1e6,
          watches,
          watcher.pathHashes().size());
    }

    /** The files under src/ and tests/: what the saves write to. */
    private static List<Path> sources(Path root) throws IOException {
      List<Path> sources = new ArrayList<>();
      for (String dir : List.of("src", "tests")) {
        if (Files.isDirectory(root.resolve(dir))) {
          try (var paths = Files.walk(root.resolve(dir))) {
            paths.filter(Files::isRegularFile).forEach(sources::add);
          }
        }
      }
      sources.sort(null);
      return sources;
    }
  }

  /** The walk ProjectWatcher gives directory-watcher, rebuilt from the public PathFilter. */
  private static FileTreeVisitor filteringVisitor(Path root) throws IOException {
    PathFilter filter = PathFilter.load(WatchSettings.of(root));
    return (start, onDirectory, onFile) ->
        Files.walkFileTree(
            start,
            new SimpleFileVisitor<>() {
              @Override
              public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes)
                  throws IOException {
                if (filter.ignoresDirectory(root.relativize(dir))) {
                  return FileVisitResult.SKIP_SUBTREE;
                }
                onDirectory.call(dir);
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
                  throws IOException {
                if (filter.triggers(root.relativize(file))) {
                  onFile.call(file);
                }
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult visitFileFailed(Path file, IOException error) {
                return FileVisitResult.CONTINUE;
              }
            });
  }

  // ---------------------------------------------------------------- trees

  private static final class Tree {
    final Path root;
    final List<Path> sourceFiles = new ArrayList<>();
    int files;
    int directories;
    int sourceDirectories;
    long bytes;

    Tree(Path root) {
      this.root = root;
    }
  }

  /** About 10% sources and tests, the rest in node_modules (deep), .git and .tox. */
  private Tree buildProject(Path root, int total) throws IOException {
    Tree tree = new Tree(root);
    int sources = total / 10;
    int perPackage = 20;
    for (int i = 0; i < sources; i++) {
      String dir = i % 5 == 0 ? "tests/unit/t" + (i / perPackage) : "src/pkg/m" + (i / perPackage);
      Path file = file(tree, root.resolve(dir).resolve("mod_" + i + ".py"), 2048, true);
      tree.sourceFiles.add(file);
    }
    file(tree, root.resolve("tox.ini"), 300, true);
    Files.writeString(root.resolve(".gitignore"), "*.log\n/dist/\n*.egg-info/\n");
    tree.files++;
    int rest = total - tree.files;
    int git = rest / 5;
    int tox = rest / 5;
    for (int i = 0; i < git; i++) {
      file(tree, root.resolve(String.format(".git/objects/%02x/%038x", i % 256, i)), 700, false);
    }
    for (int i = 0; i < tox; i++) {
      Path dir = root.resolve(".tox/py311/lib/python3.11/site-packages/dist" + (i / 25));
      file(tree, dir.resolve("module_" + i + ".py"), 1500, false);
    }
    // node_modules: packages whose dependencies nest ten levels deep, six files per package.
    int nodeFiles = total - tree.files;
    int made = 0;
    for (int pkg = 0; made < nodeFiles; pkg++) {
      StringBuilder path = new StringBuilder("node_modules/pkg" + pkg);
      for (int depth = 0; depth < 10 && made < nodeFiles; depth++) {
        Path dir = root.resolve(path.toString());
        for (int f = 0; f < 6 && made < nodeFiles; f++, made++) {
          file(tree, dir.resolve(f == 0 ? "package.json" : "lib/file" + f + ".js"), 1200, false);
        }
        path.append("/node_modules/dep").append(depth);
      }
    }
    tree.directories = countDirectories(root);
    tree.sourceDirectories =
        countDirectories(root.resolve("src")) + countDirectories(root.resolve("tests")) + 1;
    return tree;
  }

  private Tree buildAllSource(Path root, int total) throws IOException {
    Tree tree = new Tree(root);
    for (int i = 0; i < total; i++) {
      tree.sourceFiles.add(
          file(
              tree,
              root.resolve("src/p" + (i / 400) + "/m" + (i / 20) + "/f" + i + ".py"),
              2048,
              true));
    }
    tree.directories = countDirectories(root);
    tree.sourceDirectories = tree.directories;
    return tree;
  }

  private Path file(Tree tree, Path file, int size, boolean source) throws IOException {
    Files.createDirectories(file.getParent());
    byte[] content = new byte[size == 0 ? 0 : size / 2 + random.nextInt(size)];
    for (int i = 0; i < content.length; i++) {
      content[i] = (byte) (i % 61 == 60 ? '\n' : 'a' + random.nextInt(26));
    }
    Files.write(file, content);
    tree.files++;
    tree.bytes += content.length;
    return file;
  }

  // ---------------------------------------------------------------- helpers

  private static int countDirectories(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return 0;
    }
    try (var paths = Files.walk(root)) {
      return (int) paths.filter(Files::isDirectory).count();
    }
  }

  private static long percentile(long[] sorted, int percent) {
    int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  /** A field of /proc/self/status, in kB (VmHWM: peak resident set). */
  private static long status(String field) throws IOException {
    try (BufferedReader reader = Files.newBufferedReader(Path.of("/proc/self/status"))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    }
    return -1;
  }

  /** This process's inotify watches, from /proc/self/fdinfo; -1 where there is no /proc. */
  private static int inotifyWatches() {
    Path fds = Path.of("/proc/self/fd");
    if (!Files.isDirectory(fds)) {
      return -1;
    }
    int watches = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(fds)) {
      for (Path fd : entries) {
        try {
          if (Files.readSymbolicLink(fd).toString().equals("anon_inode:inotify")) {
            for (String line :
                Files.readAllLines(Path.of("/proc/self/fdinfo", fd.getFileName().toString()))) {
              if (line.startsWith("inotify wd:")) {
                watches++;
              }
            }
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return watches;
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException error)
              throws IOException {
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
