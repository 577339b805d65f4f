package dev.toxserver.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The contract with the operating system's change events (inotify on Linux), and registration. */
class EventWatcherTest extends WatcherContractTest {
  @Override
  WatchSettings settings(Path root) {
    return WatchSettings.of(root).withDebounce(DEBOUNCE);
  }

  @Test
  void ignoredDirectoriesAreNeverRegistered() throws Exception {
    assumeTrue(InotifyWatches.countable(), "needs /proc/self/fdinfo (Linux)");
    write("src/pkg/mod.py", "x");
    write("tests/test_mod.py", "x");
    write(".gitignore", "generated/\n");
    StringBuilder deep = new StringBuilder("node_modules");
    for (int i = 0; i < 40; i++) {
      deep.append("/dep").append(i);
      write(deep + "/index.js", "x");
    }
    for (int i = 0; i < 40; i++) {
      write(String.format(".git/objects/%02x/blob", i), "x");
      write(".tox/py311/lib/site-packages/pkg" + i + "/__init__.py", "x");
      write("src/pkg/__pycache__/c" + i + "/x.pyc", "x");
      write("generated/g" + i + "/x.py", "x");
    }
    int before = InotifyWatches.count();

    start();
    // "", src, src/pkg, tests: nothing under node_modules, .git, .tox, __pycache__, generated.
    assertThat(watcher.watchedDirectories()).isEqualTo(4);
    assertThat(InotifyWatches.count() - before).isEqualTo(4);
    assertThat(watcher.filesAtStart()).isEqualTo(3); // mod.py, test_mod.py, .gitignore

    write("src/late/mod.py", "x"); // a new directory is registered...
    assertThat(listener.nextFiles()).containsExactly("src/late/mod.py");
    assertThat(watcher.watchedDirectories()).isEqualTo(5);
    assertThat(InotifyWatches.count() - before).isEqualTo(5);

    Files.createDirectories(root.resolve("node_modules/late/lib")); // ...unless it is ignored
    write("node_modules/late/lib/index.js", "x");
    write("src/pkg/__pycache__/late/x.pyc", "x");
    assertNothingTriggered();
    assertThat(InotifyWatches.count() - before).isEqualTo(5);

    deleteTree(root.resolve("src/late")); // a deleted directory's watch goes with it
    assertThat(listener.nextFiles()).containsExactly("src/late/mod.py");
    assertThat(watcher.watchedDirectories()).isEqualTo(4);
    dev.toxserver.support.Await.until(
        () -> {
          try {
            return InotifyWatches.count() - before == 4;
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        },
        RecordingListener.DEADLINE,
        "the kernel to drop the deleted directory's watch");

    watcher.close();
    assertThat(InotifyWatches.count()).isEqualTo(before);
  }
}
