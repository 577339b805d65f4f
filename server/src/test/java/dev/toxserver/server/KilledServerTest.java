package dev.toxserver.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toxserver.client.FinishedRun;
import dev.toxserver.client.ServerUnreachableException;
import dev.toxserver.client.ToxServerClient;
import dev.toxserver.process.ProcessTree;
import dev.toxserver.protocol.Protocol;
import dev.toxserver.support.AsyncClient;
import dev.toxserver.support.Await;
import dev.toxserver.support.CliProcess;
import dev.toxserver.support.FakeTox;
import dev.toxserver.support.Recorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

  /** The servers' XDG_STATE_HOME, where they keep their run records. */
  private Path state() {
    return dir.resolve("state-home");
  }

  private CliProcess server(int port) throws Exception {
    return CliProcess.start(dir, Map.of("XDG_STATE_HOME", state().toString()), serve(port));
  }

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
    Path runs = RunRecords.folder(dir, state());
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
    try (CliProcess first = server(port)) {
      first.awaitStderr("^C to exit", T);
      TreeRun tree = startTree(port, "first");
      child = tree.child();
      daemon = tree.daemon();
      List<Path> recorded = records();
      assertThat(recorded).hasSize(1);
      RunRecord record = RunRecords.read(recorded.get(0));
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

    try (CliProcess second = server(port);
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
    try (CliProcess first = server(port)) {
      first.awaitStderr("^C to exit", T);
      TreeRun tree = startTree(port, "first");
      int otherPort = CliProcess.freePort();
      try (CliProcess second = server(otherPort);
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

  @Test
  void aRecordNamingTheShellTheServerWasStartedFromIsRefused() throws Exception {
    // As from a terminal: a shell leading its own session starts the server and waits for it. A
    // record that names the shell, with its real start time, must not end it (nor the server).
    int port = CliProcess.freePort();
    List<String> cmd = new ArrayList<>(List.of("setsid", "sh", "-c", "read go; \"$@\"", "sh"));
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
    cmd.add("dev.toxserver.servercli.ToxServerCli");
    cmd.addAll(List.of(serve(port)));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().put("XDG_STATE_HOME", state().toString());
    pb.redirectErrorStream(true);
    Path log = dir.resolve("server.log");
    pb.redirectOutput(log.toFile());
    Process shell = pb.start();
    try {
      Await.until(() -> ProcessTree.session(shell.pid()).size() == 1, T, "the shell's session");
      long[] server = RunRecordsTest.deadServer();
      Files.writeString(
          RunRecords.open(dir, state()).dir().resolve(shell.pid() + ".json"),
          RunRecordsTest.record(
              shell.pid(),
              ProcessTree.startTime(shell.pid()).orElseThrow(),
              server[0],
              server[1],
              RunRecordsTest.pidNamespace(),
              "0".repeat(64)));
      shell.getOutputStream().write('\n');
      shell.getOutputStream().flush();
      try (ToxServerClient client = new ToxServerClient("tcp://127.0.0.1:" + port)) {
        client.ping(T);
      }
      assertThat(Files.readString(log)).contains("leads this server's own session");
      assertThat(shell.isAlive()).isTrue();
    } finally {
      // The session outlives the shell: it holds exactly what this test started.
      ProcessTree.session(shell.pid()).forEach(ProcessHandle::destroyForcibly);
      shell.destroyForcibly();
    }
  }
}
