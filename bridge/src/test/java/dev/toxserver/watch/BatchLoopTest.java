package dev.toxserver.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The batch thread fed by hand, for what real events cannot be made to do on demand. */
@Timeout(30)
class BatchLoopTest {
  @TempDir Path root;
  final RecordingListener listener = new RecordingListener();
  BatchLoop loop;

  @AfterEach
  void stop() throws InterruptedException {
    if (loop != null) {
      loop.requestStop();
      loop.thread().join();
    }
  }

  private BatchLoop start(WatchSettings settings) throws Exception {
    TreeWalker walker = new TreeWalker(root, PathFilter.load(settings));
    loop = new BatchLoop(settings, listener);
    loop.start(ContentIndex.build(walker));
    return loop;
  }

  @Test
  void anOverflowComparesTheWholeTree() throws Exception {
    Files.writeString(root.resolve("a.py"), "a");
    Files.writeString(root.resolve("gone.py"), "g");
    Files.writeString(root.resolve("same.py"), "s");
    start(WatchSettings.of(root));
    // Changes whose events the operating system dropped:
    Files.writeString(root.resolve("a.py"), "A");
    Files.writeString(root.resolve("new.py"), "n");
    Files.delete(root.resolve("gone.py"));
    Files.writeString(root.resolve("same.py"), "s");
    Instant at = Instant.now();
    loop.offer(new BatchLoop.Signal.Overflowed(at, System.nanoTime()));
    ChangeBatch batch = listener.next();
    assertThat(batch.files())
        .containsExactly(Path.of("a.py"), Path.of("gone.py"), Path.of("new.py"));
    assertThat(batch.firstChange()).isEqualTo(at);
  }

  @Test
  void firstAndLastChangeAreThoseOfTheFilesThatChanged() throws Exception {
    Files.writeString(root.resolve("same.py"), "s");
    start(WatchSettings.of(root).withDebounce(Duration.ofSeconds(1)));
    long now = System.nanoTime();
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    loop.offer(new BatchLoop.Signal.Changed("same.py", t0, now)); // unchanged: does not count
    Files.writeString(root.resolve("a.py"), "a");
    loop.offer(new BatchLoop.Signal.Changed("a.py", t0.plusMillis(10), now));
    loop.offer(new BatchLoop.Signal.Changed("a.py", t0.plusMillis(30), now));
    ChangeBatch batch = listener.next();
    assertThat(batch.files()).containsExactly(Path.of("a.py"));
    assertThat(batch.firstChange()).isEqualTo(t0.plusMillis(10));
    assertThat(batch.lastChange()).isEqualTo(t0.plusMillis(30));
  }

  @Test
  void aNeverEndingStreamOfChangesIsStillDelivered() throws Exception {
    Duration debounce = Duration.ofMillis(200);
    WatchSettings settings = WatchSettings.of(root).withDebounce(debounce);
    assertThat(settings.maxDelay()).isEqualTo(Duration.ofSeconds(2));
    start(settings);
    long started = System.nanoTime();
    long previous = started;
    long longestGap = 0;
    // A change every 10 ms never leaves 200 ms of quiet; the batch comes at the two-second cap.
    for (int i = 0; listener.batches.isEmpty(); i++) {
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
      Files.writeString(root.resolve("stream.log"), "line " + i);
      long now = System.nanoTime();
      loop.offer(new BatchLoop.Signal.Changed("stream.log", Instant.now(), now));
      longestGap = Math.max(longestGap, now - previous);
      previous = now;
      Thread.sleep(10); // the pace of the stream, not synchronisation
    }
    Duration delivered = Duration.ofNanos(System.nanoTime() - started);
    assertThat(listener.next().files()).containsExactly(Path.of("stream.log"));
    assumeTrue(
        longestGap < debounce.toNanos(),
        "the machine paused the stream for " + longestGap / 1_000_000 + " ms: not a stream");
    assertThat(delivered).isBetween(Duration.ofMillis(1900), Duration.ofSeconds(6));
  }

  @Test
  void maxDelayIsTenDebouncePeriodsAndAtLeastTwoSeconds() {
    assertThat(WatchSettings.of(root).maxDelay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(WatchSettings.of(root).withDebounce(Duration.ofMillis(500)).maxDelay())
        .isEqualTo(Duration.ofSeconds(5));
  }
}
