package dev.toxserver.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a {@link ProjectWatcher} promises, whether it listens to events or polls. Real directories,
 * real watchers; every wait has a deadline.
 */
@Timeout(60)
abstract class WatcherContractTest {
  static final Duration DEBOUNCE = Duration.ofMillis(100);

  /** How long "nothing happens" is watched for: several debounce periods (and poll intervals). */
  static final Duration QUIET = DEBOUNCE.multipliedBy(5);

  @TempDir Path root;
  final RecordingListener listener = new RecordingListener();
  ProjectWatcher watcher;

  /** The settings under test for {@code root}. */
  abstract WatchSettings settings(Path root);

  @AfterEach
  void closeWatcher() {
    if (watcher != null) {
      watcher.close();
    }
    assertThat(listener.failures).as("failures reported").isEmpty();
  }

  ProjectWatcher start() throws IOException {
    return start(settings(root));
  }

  ProjectWatcher start(WatchSettings settings) throws IOException {
    watcher = ProjectWatcher.start(settings, listener);
    return watcher;
  }

  Path write(String relative, String content) throws IOException {
    Path file = root.resolve(relative);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  /** Proves the watcher is alive and nothing else is pending: only this change arrives. */
  void assertOnlyThisChangeArrives(String relative) throws Exception {
    write(relative, "liveness " + System.nanoTime());
    assertThat(listener.nextFiles()).containsExactly(relative);
  }

  /** Asserts a quiet period, then liveness: nothing but a fresh change is reported. */
  void assertNothingTriggered() throws Exception {
    listener.assertQuietFor(QUIET);
    assertOnlyThisChangeArrives("liveness.txt");
  }

  @Test
  void aWriteTriggersExactlyOneBatch() throws Exception {
    write("src/mod.py", "x = 1\n");
    start();
    Instant before = Instant.now();
    write("src/mod.py", "x = 2\n");
    ChangeBatch batch = listener.next();
    assertThat(batch.files()).containsExactly(Path.of("src/mod.py"));
    assertThat(batch.firstChange()).isAfterOrEqualTo(before.minusMillis(1));
    assertThat(batch.lastChange()).isAfterOrEqualTo(batch.firstChange());
    assertNothingTriggered();
  }

  @Test
  void aBurstOfWritesIsOneBatchNamingEveryFileOnceSorted() throws Exception {
    Duration debounce = Duration.ofMillis(300); // room for a slow machine
    start(settings(root).withDebounce(debounce));
    List<String> expected = new ArrayList<>();
    long started = System.nanoTime();
    for (int i = 0; i < 50; i++) {
      String name = String.format("tests/test_%02d.py", 49 - i);
      write(name, "def test(): pass\n");
      write(name, "def test(): assert True\n"); // twice: still named once
      expected.add(name);
    }
    assumeBurstWithin(debounce, started);
    expected.sort(Comparator.naturalOrder());
    assertThat(listener.nextFiles()).containsExactlyElementsOf(expected);
    assertOnlyThisChangeArrives("liveness.txt");
  }

  @Test
  void savingTheSameBytesTriggersNothing() throws Exception {
    write("mod.py", "x = 1\n".repeat(10_000));
    start();
    for (int i = 0; i < 5; i++) {
      write("mod.py", "x = 1\n".repeat(10_000));
    }
    assertNothingTriggered();
  }

  @Test
  void touchingTriggersNothing() throws Exception {
    Path file = write("mod.py", "x = 1\n");
    start();
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
    assertNothingTriggered();
  }

  @Test
  void anAtomicSaveOfTheSameContentTriggersNothing() throws Exception {
    // How many editors save: write a temporary file beside it, then rename it over the original.
    write("mod.py", "x = 1\n");
    start();
    Path temporary = write("mod.py.tmp-save", "x = 1\n");
    Files.move(
        temporary,
        root.resolve("mod.py"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    assertNothingTriggered();
  }

  @Test
  void aFileChangedAndRestoredWithinABurstTriggersNothing() throws Exception {
    write("mod.py", "x = 1\n");
    Duration debounce = Duration.ofMillis(300);
    start(settings(root).withDebounce(debounce));
    long started = System.nanoTime();
    write("mod.py", "x = 2\n");
    write("mod.py", "x = 1\n");
    assumeBurstWithin(debounce, started);
    listener.assertQuietFor(debounce.multipliedBy(5));
    assertOnlyThisChangeArrives("liveness.txt");
  }

  @Test
  void creationTriggers() throws Exception {
    start();
    write("tests/test_new.py", "def test(): pass\n");
    assertThat(listener.nextFiles()).containsExactly("tests/test_new.py");
  }

  @Test
  void deletionTriggers() throws Exception {
    Path file = write("tests/test_old.py", "def test(): pass\n");
    start();
    Files.delete(file);
    assertThat(listener.nextFiles()).containsExactly("tests/test_old.py");
  }

  @Test
  void deletingADirectoryNamesEveryFileInIt() throws Exception {
    write("pkg/a.py", "a");
    write("pkg/sub/b.py", "b");
    write("pkg.py", "not in pkg/");
    start();
    deleteTree(root.resolve("pkg"));
    assertThat(listener.nextFiles()).containsExactly("pkg/a.py", "pkg/sub/b.py");
    assertNothingTriggered();
  }

  @Test
  void renamingADirectoryNamesTheOldAndNewFiles() throws Exception {
    write("pkg/a.py", "a");
    start();
    Files.move(root.resolve("pkg"), root.resolve("renamed"));
    List<String> seen = new ArrayList<>(listener.nextFiles());
    while (seen.size() < 2) { // the two halves of a rename may land in separate bursts
      seen.addAll(listener.nextFiles());
    }
    assertThat(seen).containsExactlyInAnyOrder("pkg/a.py", "renamed/a.py");
  }

  @Test
  void aNewSubdirectoryIsWatched() throws Exception {
    start();
    write("pkg/new/deeper/mod.py", "x = 1\n");
    assertThat(listener.nextFiles()).containsExactly("pkg/new/deeper/mod.py");
    write("pkg/new/deeper/mod.py", "x = 2\n");
    assertThat(listener.nextFiles()).containsExactly("pkg/new/deeper/mod.py");
    write("pkg/new/other.py", "y = 1\n");
    assertThat(listener.nextFiles()).containsExactly("pkg/new/other.py");
  }

  @Test
  void defaultIgnoredPathsTriggerNothing() throws Exception {
    for (String dir : List.of(".git", ".tox/py311", "node_modules/x", "build", "pkg/__pycache__")) {
      write(dir + "/existing.txt", "old");
    }
    start();
    for (String dir : List.of(".git", ".tox/py311", "node_modules/x", "build", "pkg/__pycache__")) {
      write(dir + "/existing.txt", "new");
      write(dir + "/created.txt", "new");
    }
    write(".venv/bin/python", "new directory, ignored");
    write("pkg/mod.pyc", "bytecode");
    write("pkg/.mod.py.swp", "swap");
    write("pkg/mod.py~", "backup");
    write("pkg/4913", "vim's probe");
    write(".coverage", "a test run writes this");
    assertNothingTriggered();
  }

  @Test
  void gitignoredPathsTriggerNothingButNegatedOnesDo() throws Exception {
    write(".gitignore", "*.log\n!important.log\n/local/\n");
    start();
    write("debug.log", "x");
    write("local/settings.py", "x");
    write("pkg/local/settings.py", "not anchored: triggers");
    assertThat(listener.nextFiles()).containsExactly("pkg/local/settings.py");
    write("important.log", "x");
    assertThat(listener.nextFiles()).containsExactly("important.log");
  }

  @Test
  void excludedPathsTriggerNothing() throws Exception {
    start(settings(root).withExcludes(List.of("docs/", "*.md")));
    write("docs/conf.py", "x");
    write("README.md", "x");
    assertNothingTriggered();
  }

  @Test
  void includesRestrictWhatTriggers() throws Exception {
    start(settings(root).withIncludes(List.of("*.py", "tox.ini")));
    write("README.md", "x");
    write("data/x.json", "x");
    write("tox.ini", "[tox]\n");
    assertThat(listener.nextFiles()).containsExactly("tox.ini");
    write("src/mod.py", "x");
    assertThat(listener.nextFiles()).containsExactly("src/mod.py");
  }

  @Test
  void anAnchoredIncludeReachesIntoAnIgnoredDirectory() throws Exception {
    write("build/generated/api.py", "v1");
    write("build/lib/other.py", "v1");
    start(settings(root).withIncludes(List.of("/build/generated/", "*.py")));
    write("build/lib/other.py", "v2");
    write("build/generated/api.py", "v2");
    assertThat(listener.nextFiles()).containsExactly("build/generated/api.py");
  }

  @Test
  void startRefusesAMissingRootOrAFile() throws Exception {
    assertThatThrownBy(() -> start(settings(root.resolve("missing"))))
        .isInstanceOf(WatchRootException.class)
        .hasMessageContaining("no such directory");
    Path file = write("file.txt", "x");
    assertThatThrownBy(() -> start(settings(file)))
        .isInstanceOf(WatchRootException.class)
        .hasMessageContaining("not a directory");
  }

  @Test
  void aListenerThatThrowsIsToldSoAndWatchingGoesOn() throws Exception {
    RecordingListener throwsOnce =
        new RecordingListener() {
          boolean thrown;

          @Override
          public void changed(ChangeBatch batch) {
            if (!thrown) {
              thrown = true;
              throw new IllegalStateException("listener bug");
            }
            super.changed(batch);
          }
        };
    watcher = ProjectWatcher.start(settings(root), throwsOnce);
    write("a.py", "x");
    assertThat(throwsOnce.nextFailure()).hasMessage("listener bug");
    write("b.py", "x");
    assertThat(throwsOnce.nextFiles()).containsExactly("b.py");
    assertThat(watcher.isWatching()).isTrue();
  }

  @Test
  void theRootDisappearingEndsWatchingWithAFailure() throws Exception {
    Path project = Files.createDirectories(root.resolve("project"));
    Files.writeString(project.resolve("a.py"), "x");
    start(settings(project));
    deleteTree(project);
    assertThat(listener.nextFailure())
        .isInstanceOf(WatchRootException.class)
        .hasMessageContaining("deleted");
    assertThat(watcher.isWatching()).isFalse();
  }

  @Test
  void closeStopsEveryThreadItStarted() throws Exception {
    List<Thread> before = List.copyOf(Thread.getAllStackTraces().keySet());
    start();
    write("a.py", "x");
    listener.next();
    watcher.close();
    assertThat(Thread.getAllStackTraces().keySet())
        .as("the watcher's own threads, just after close()")
        .noneMatch(t -> t.getName().startsWith("project-watcher") && t.isAlive());
    // The JDK's own watch-service thread ends just after its service is closed.
    dev.toxserver.support.Await.until(
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .allMatch(before::contains),
        RecordingListener.DEADLINE,
        "every thread started since start() to end: " + newThreads(before));
    assertThat(watcher.isWatching()).isFalse();
    watcher.close(); // again: nothing happens
    write("b.py", "x");
    listener.assertQuietFor(QUIET);
  }

  private static List<String> newThreads(List<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !before.contains(t))
        .map(Thread::getName)
        .toList();
  }

  /**
   * A burst is writes closer together than the debounce period; on a machine so busy that the
   * writes took longer than that, the test proves nothing either way.
   */
  static void assumeBurstWithin(Duration debounce, long startedNanos) {
    Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
    assumeTrue(
        took.compareTo(debounce) < 0,
        "the writes took " + took.toMillis() + " ms, longer than the debounce: not a burst");
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
