package dev.toxserver.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The contract when polling, for file systems whose events never arrive. */
class PollingWatcherTest extends WatcherContractTest {
  @Override
  WatchSettings settings(Path root) {
    return WatchSettings.of(root).withDebounce(DEBOUNCE).withPollInterval(Duration.ofMillis(25));
  }

  @Test
  void pollingRegistersNothingWithTheOperatingSystem() throws Exception {
    assumeTrue(InotifyWatches.countable(), "needs /proc/self/fdinfo (Linux)");
    write("src/mod.py", "x");
    int before = InotifyWatches.count();
    start();
    assertThat(watcher.watchedDirectories()).isZero();
    assertThat(InotifyWatches.count()).isEqualTo(before);
    write("src/mod.py", "y");
    assertThat(listener.nextFiles()).containsExactly("src/mod.py");
  }
}
