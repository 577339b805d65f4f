package dev.toxserver.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toxserver.client.FinishedRun;
import dev.toxserver.client.ServerUnreachableException;
import dev.toxserver.client.ToxServerClient;
import dev.toxserver.keys.StateDir;
import dev.toxserver.protocol.Protocol;
import dev.toxserver.support.AsyncClient;
import dev.toxserver.support.Await;
import dev.toxserver.support.CliProcess;
import dev.toxserver.support.FakeTox;
import dev.toxserver.support.Recorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code tox-server} process killed with SIGKILL in the middle of a run, which it cannot
 * clean up after: the run's processes live on as orphans, and the next server on the same working
 * directory ends them before it answers anything.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KilledServerTest {
  private static final Duration T = Duration.ofSeconds(30);

  @TempDir Path dir;

  private static String[] serve(int port) {
    return new String[] {
      "-p",
      Integer.toString(port),
      "serve",
      "--no-tee",
      "--kill-grace",
      "2",
      "--command",
      "/bin/sh " + FakeTox.script()
    };
  }

  private List<Path> records() throws Exception {
    Path runs = StateDir.of(dir).resolve(RunRecords.FOLDER);
    if (!Files.isDirectory(runs)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(runs)) {
      return s.filter(p -> p.toString().endsWith(".json")).toList();
    }
  }

  /** The run `tree` in flight on the server at {@code port}: its client, and its two sleepers. */
  private record TreeRun(AsyncClient client, long child, long daemon) {}

  private TreeRun startTree(int port, String tag) throws Exception {
    Path a = dir.resolve(tag + "-child.pid");
    Path b = dir.resolve(tag + "-daemon.pid");
    AsyncClient run =
        AsyncClient.run(
            "tcp://127.0.0.1:" + port,
            Protocol.VERSION,
            List.of("tree", a.toString(), b.toString()),
            Duration.ofSeconds(2),
            new Recorder());
    run.recorder.awaitStdout("tree ready", T);
    return new TreeRun(run, Await.pidIn(a, T), Await.pidIn(b, T));
  }

  @Test
  void theNextServerEndsTheKilledServersRunBeforeItAnswersAndLogsIt() throws Exception {
    int port = CliProcess.freePort();
    long child;
    long daemon;
    try (CliProcess first = CliProcess.start(dir, serve(port))) {
      first.awaitStderr("^C to exit", T);
      TreeRun tree = startTree(port, "first");
      child = tree.child();
      daemon = tree.daemon();
      List<Path> recorded = records();
      assertThat(recorded).hasSize(1);
      RunRecords.RunRecord record = RunRecords.read(recorded.get(0));
      assertThat(record.serverPid()).isEqualTo(first.process.pid());
      assertThat(record.argv())
          .endsWith(
              "tree",
              dir.resolve("first-child.pid").toString(),
              dir.resolve("first-daemon.pid").toString());

      first.signal("KILL");
      first.waitFor(T);
      // Nobody ended the run: its processes are orphans now, and still run.
      assertThat(Await.running(child)).as("the run's child after SIGKILL").isTrue();
      assertThat(Await.running(daemon)).as("the run's daemon after SIGKILL").isTrue();
      // Its client learns that the server stopped answering (within its 2 s window).
      try {
        tree.client().await(T);
        throw new AssertionError("the run of a killed server ended normally");
      } catch (ServerUnreachableException e) {
        assertThat(e.getMessage()).contains("stopped answering");
      }
    }

    try (CliProcess second = CliProcess.start(dir, serve(port));
        ToxServerClient client = new ToxServerClient("tcp://127.0.0.1:" + port)) {
      client.ping(T);
      // By the first PING reply, the sweep is over.
      assertThat(Await.running(child)).as("the killed server's run's child").isFalse();
      assertThat(Await.running(daemon)).as("the killed server's run's daemon").isFalse();
      assertThat(second.stderr())
          .contains("Ending what is left of a run of tox-server pid")
          .contains("SIGTERM to the leftover processes")
          .contains(Long.toString(child))
          .contains(Long.toString(daemon));
      assertThat(records()).isEmpty();
      // And it serves.
      FinishedRun r = client.run(List.of("echo", "again"), T, new Recorder());
      assertThat(r.returncode()).isZero();
      Await.until(() -> uncheckedRecords().isEmpty(), T, "the run's record to be removed");
    }
  }

  private List<Path> uncheckedRecords() {
    try {
      return records();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aSecondServerOnTheSameWorkdirLeavesTheFirstServersRunAlone() throws Exception {
    int port = CliProcess.freePort();
    try (CliProcess first = CliProcess.start(dir, serve(port))) {
      first.awaitStderr("^C to exit", T);
      TreeRun tree = startTree(port, "first");
      int otherPort = CliProcess.freePort();
      try (CliProcess second = CliProcess.start(dir, serve(otherPort));
          ToxServerClient client = new ToxServerClient("tcp://127.0.0.1:" + otherPort)) {
        client.ping(T);
        assertThat(second.stderr())
            .contains("its tox-server (pid " + first.process.pid() + ") still runs")
            .doesNotContain("Ending what is left");
        assertThat(Await.running(tree.child())).isTrue();
        assertThat(Await.running(tree.daemon())).isTrue();
        assertThat(records()).hasSize(1);
        assertThat(tree.client().result).isNotDone();
      }
      // The first server still owns its run: SIGTERM ends it, tree and record included.
      first.signal("TERM");
      first.waitFor(T);
      assertThat(Await.running(tree.child())).isFalse();
      assertThat(Await.running(tree.daemon())).isFalse();
      assertThat(records()).isEmpty();
    }
  }
}
