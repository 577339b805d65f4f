package dev.toxserver.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Collects what a watcher reports, for tests to wait on with deadlines. */
class RecordingListener implements ProjectWatcher.Listener {
  /** How long to wait for something that should happen: generous, for a busy machine. */
  static final Duration DEADLINE = Duration.ofSeconds(10);

  final BlockingQueue<ChangeBatch> batches = new LinkedBlockingQueue<>();
  final BlockingQueue<Exception> failures = new LinkedBlockingQueue<>();

  @Override
  public void changed(ChangeBatch batch) {
    batches.add(batch);
  }

  @Override
  public void failed(Exception error) {
    failures.add(error);
  }

  /** The next batch, failing the test if none arrives before the deadline. */
  ChangeBatch next() throws InterruptedException {
    ChangeBatch batch = batches.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(batch).as("a batch within %s (failures: %s)", DEADLINE, failures).isNotNull();
    return batch;
  }

  /** The files of the next batch, as '/'-separated strings. */
  List<String> nextFiles() throws InterruptedException {
    return next().files().stream().map(Path::toString).map(s -> s.replace('\\', '/')).toList();
  }

  /**
   * Asserts that no batch arrives for {@code quiet}. This is the one place a test waits for nothing
   * to happen; keep the period short, and prove liveness afterwards with a real change.
   */
  void assertQuietFor(Duration quiet) throws InterruptedException {
    ChangeBatch batch = batches.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(batch).as("no batch within %s", quiet).isNull();
  }

  Exception nextFailure() throws InterruptedException {
    Exception error = failures.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(error).as("a failure within %s", DEADLINE).isNotNull();
    return error;
  }
}
