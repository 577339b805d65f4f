package dev.toxserver.bench.watch;

import static dev.toxserver.bench.Figures.percentile;

import dev.toxserver.bench.Processes;
import dev.toxserver.watch.ChangeBatch;
import dev.toxserver.watch.InotifyWatches;
import dev.toxserver.watch.ProjectWatcher;
import dev.toxserver.watch.WatchSettings;
import io.methvin.watcher.DirectoryWatcher;
import io.methvin.watcher.visitor.FileTreeVisitor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * One scenario of the watch benchmark, in the fresh JVM that {@link WatchBenchmark} started for it
 * ({@code --measure SCENARIO DIR SAVES DEBOUNCE_MS POLL_MS}), so that its start-up is a cold start
 * and its peak RSS is the watcher's.
 */
final class WatchMeasurement {
  private final Path root;
  private final int saves;
  private final Duration debounce;
  private final Duration poll;
  private final SplittableRandom random = new SplittableRandom(7);

  private WatchMeasurement(Path root, int saves, Duration debounce, Duration poll) {
    this.root = root;
    this.saves = saves;
    this.debounce = debounce;
    this.poll = poll;
  }

  /** {@code args}: --measure SCENARIO DIR SAVES DEBOUNCE_MS POLL_MS. */
  static void run(String[] args) throws Exception {
    String scenario = args[1];
    WatchMeasurement measure =
        new WatchMeasurement(
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
      case "directory-watcher" -> measure.directoryWatcher("default walk, fileHashing(true)", null);
      case "directory-watcher-filtered" ->
          measure.directoryWatcher(
              "ProjectWatcher's filter as its walk, fileHashing(true)",
              ProjectWatcher.treeVisitor(WatchSettings.of(measure.root)));
      default -> throw new WatchBenchFailure("unknown scenario " + scenario);
    }
    System.out.printf(
        Locale.ROOT,
        "   peak RSS of this JVM (VmHWM): %.0f MiB%n",
        Processes.statusKib(ProcessHandle.current().pid(), "VmHWM") / 1024.0);
  }

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
      if (latency) {
        saveToBatch(watch, sources, deliveries, failure);
      }
    }
  }

  private void saveToBatch(
      WatchSettings watch,
      List<Path> sources,
      BlockingQueue<Delivery> deliveries,
      AtomicReference<Exception> failure)
      throws Exception {
    int saves = watch.polling() ? Math.min(this.saves, 30) : this.saves;
    long[] delays = new long[saves];
    for (int i = 0; i < saves; i++) {
      Path file = sources.get(random.nextInt(sources.size()));
      // Unique content: an earlier scenario (or run) saved to the same files, and saving what a
      // file already holds is rightly not a change.
      String content = "# save " + i + " at " + System.nanoTime() + "\n" + "x = 1\n".repeat(300);
      if (watch.polling()) {
        // Saves come at any moment of a poll interval, not just after the last delivery.
        Thread.sleep(random.nextLong(watch.pollInterval().toMillis()));
      }
      long written = System.nanoTime();
      Files.writeString(file, content, StandardCharsets.UTF_8);
      Delivery delivery = deliveries.poll(10, TimeUnit.SECONDS);
      if (delivery == null) {
        throw new WatchBenchFailure(
            "no batch within 10 s of saving " + file + " (" + failure.get() + ")");
      }
      Path expected = root.relativize(file);
      if (!delivery.batch.files().equals(List.of(expected))) {
        throw new WatchBenchFailure(
            "saved " + expected + ", batch named " + delivery.batch.files());
      }
      delays[i] = delivery.nanos - written;
    }
    if (failure.get() != null) {
      throw new WatchBenchFailure("the watcher failed: " + failure.get());
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

  /** This process's inotify watches; -1 where there is no /proc. */
  private static int inotifyWatches() {
    try {
      return InotifyWatches.countable() ? InotifyWatches.count() : -1;
    } catch (IOException e) {
      return -1;
    }
  }
}
