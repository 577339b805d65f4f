package dev.toxserver.bench.watch;

import static dev.toxserver.bench.Arguments.require;

import dev.toxserver.bench.Arguments;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** The watch benchmark's settings, from its command line. */
record WatchBenchSettings(
    int files,
    int saves,
    Duration debounce,
    Duration poll,
    Path dir,
    boolean keep,
    List<String> jvmOptions) {

  static final String USAGE =
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
                          java -cp ... dev.toxserver.bench.watch.WatchBenchmark --measure SCENARIO
                          DIR SAVES DEBOUNCE_MS POLL_MS)
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

  /** The settings, or the program exits: with 0 after --help, with 2 on a bad command line. */
  static WatchBenchSettings readOrExit(String[] args) {
    return Arguments.readOrExit(
        "watch-benchmark",
        USAGE,
        args,
        Set.of("--quick", "--keep"),
        Set.of("--files", "--saves", "--debounce", "--poll", "--dir", "--jvm-option"),
        WatchBenchSettings::of);
  }

  private static WatchBenchSettings of(Arguments a) {
    boolean quick = a.flag("--quick");
    int files = a.intNumber("--files", quick ? 5_000 : 50_000);
    int saves = a.intNumber("--saves", quick ? 20 : 100);
    long debounce = a.number("--debounce", 100);
    long poll = a.number("--poll", 500);
    require(
        files >= 1000 && saves >= 1 && debounce >= 1 && poll >= 1,
        "--files must be at least 1000; --saves, --debounce, --poll at least 1");
    List<String> jvm = a.values("--jvm-option");
    return new WatchBenchSettings(
        files,
        saves,
        Duration.ofMillis(debounce),
        Duration.ofMillis(poll),
        a.value("--dir").map(Path::of).orElse(null),
        a.flag("--keep"),
        jvm.isEmpty() ? DEFAULT_JVM_OPTIONS : jvm);
  }
}
