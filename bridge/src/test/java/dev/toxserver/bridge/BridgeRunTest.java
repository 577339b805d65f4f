package dev.toxserver.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toxserver.server.ServerConfig;
import dev.toxserver.support.AsyncClient;
import dev.toxserver.support.Await;
import dev.toxserver.support.CliProcess;
import dev.toxserver.support.FakeTox;
import dev.toxserver.support.SampleProject;
import dev.toxserver.support.TestServer;
import dev.toxserver.support.Tools;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code bridge run} as a user runs it: a real process against a real server on loopback. */
@Timeout(120)
class BridgeRunTest {
  private static final Duration T = Duration.ofSeconds(30);

  @TempDir Path dir;

  static CliProcess bridge(Path workdir, Map<String, String> env, String... args)
      throws IOException {
    return CliProcess.startMain("dev.toxserver.bridge.BridgeCli", workdir, env, args);
  }

  private CliProcess bridge(String... args) throws IOException {
    return bridge(dir, Map.of(), args);
  }

  private static String port(TestServer server) {
    return Integer.toString(server.server.port());
  }

  @Test
  void outputIsByteExactOnEachStreamAndTheSummaryEndsStderr() throws Exception {
    Random random = new Random(42);
    byte[] outBytes = new byte[300_000];
    byte[] errBytes = new byte[70_000];
    random.nextBytes(outBytes);
    random.nextBytes(errBytes);
    byte[] colour = "\u001b[31mred\u001b[0m partial line without newline".getBytes(UTF8);
    System.arraycopy(colour, 0, errBytes, errBytes.length - colour.length, colour.length);
    Path out = Files.write(dir.resolve("out.bin"), outBytes);
    Path err = Files.write(dir.resolve("err.bin"), errBytes);
    try (TestServer server = TestServer.start(FakeTox.command(), dir);
        CliProcess run =
            bridge("-p", port(server), "run", "--", "both", out.toString(), err.toString())) {
      assertThat(run.waitFor(T)).isZero();
      assertThat(run.stdoutBytes()).isEqualTo(outBytes);
      byte[] stderr = run.stderrBytes();
      assertThat(Arrays.copyOf(stderr, errBytes.length)).isEqualTo(errBytes);
      String summary = new String(stderr, errBytes.length, stderr.length - errBytes.length, UTF8);
      assertThat(summary).matches("\\[DONE\\] passed in \\d+\\.\\d s\n");
    }
  }

  @Test
  void exitsWithTheCommandsCodeAndSaysItFailed() throws Exception {
    try (TestServer server = TestServer.start(FakeTox.command(), dir);
        CliProcess run = bridge("run", "-p", port(server), "--", "exit", "3")) {
      assertThat(run.waitFor(T)).isEqualTo(3);
      assertThat(run.stdout()).isEqualTo("exiting with 3\n");
      assertThat(run.stderr())
          .matches("to stderr\n\\[FAIL\\] failed \\(exit 3\\) in \\d+\\.\\d s\n");
    }
  }

  @Test
  void everythingAfterTheFirstDoubleDashReachesToxUntouched() throws Exception {
    try (TestServer server = TestServer.start(FakeTox.command(), dir);
        CliProcess run =
            bridge(
                "-h",
                "127.0.0.1",
                "-p",
                port(server),
                "run",
                "-t",
                "10",
                "--",
                "echo",
                "-e",
                "py312",
                "--",
                "-k",
                "test_login and not slow",
                "$(rm -rf /)",
                "--port",
                "1")) {
      assertThat(run.waitFor(T)).isZero();
      assertThat(run.stdout())
          .isEqualTo("-e\npy312\n--\n-k\ntest_login and not slow\n$(rm -rf /)\n--port\n1\n");
    }
  }

  @Test
  void optionsComeFromTheEnvironmentToo() throws Exception {
    try (TestServer server = TestServer.start(FakeTox.command(), dir);
        CliProcess run =
            bridge(
                dir,
                Map.of("TOX_SERVER_PORT", port(server), "TOX_SERVER_HOST", "127.0.0.1"),
                "run",
                "--",
                "echo",
                "from env")) {
      assertThat(run.waitFor(T)).isZero();
      assertThat(run.stdout()).isEqualTo("from env\n");
    }
  }

  @Test
  void firstInterruptCancelsTheRunsWholeTreeAndExitsWithItsCode() throws Exception {
    Path child = dir.resolve("child.pid");
    Path daemon = dir.resolve("daemon.pid");
    try (TestServer server = TestServer.start(FakeTox.command(), dir);
        CliProcess run =
            bridge("-p", port(server), "run", "--", "tree", child.toString(), daemon.toString())) {
      run.awaitStdout("tree ready", T);
      long childPid = Long.parseLong(Files.readString(child).trim());
      long daemonPid = Long.parseLong(Files.readString(daemon).trim());
      run.signal("INT");
      // SIGTERM ended the run: -15 from the server, 128+15 as a shell reports it.
      assertThat(run.waitFor(T)).isEqualTo(143);
      assertThat(run.stderr())
          .contains("Cancelling run with the server. ^C again to exit.")
          .containsPattern("\\[CANCELLED\\] cancelled \\(signal 15\\) in \\d+\\.\\d s\n$")
          .doesNotContain("Exception");
      Await.until(() -> !Await.running(childPid), T, "the run's child to end");
      Await.until(() -> !Await.running(daemonPid), T, "the run's daemonised grandchild to end");
    }
  }

  @Test
  void aRunCancelledFromElsewhereIsReportedCancelledEvenWhenItsCommandExitsZero() throws Exception {
    try (TestServer server = TestServer.start(FakeTox.command(), dir);
        CliProcess run = bridge("-p", port(server), "run", "--", "obliging")) {
      run.awaitStdout("ready to be cancelled", T);
      try (CliProcess cancel = bridge("-p", port(server), "cancel")) {
        assertThat(cancel.waitFor(T)).isZero();
      }
      assertThat(run.waitFor(T)).isEqualTo(130);
      assertThat(run.stdout()).isEqualTo("ready to be cancelled\ncleaned up\n");
      assertThat(run.stderr())
          .containsPattern("\\[CANCELLED\\] cancelled \\(exit 0\\) in \\d+\\.\\d s\n$")
          .doesNotContain("[DONE]");
    }
  }

  @Test
  void secondInterruptExitsAtOnceWith130() throws Exception {
    ServerConfig config =
        ServerConfig.local(FakeTox.command(), dir).withKillGrace(Duration.ofSeconds(8));
    try (TestServer server = new TestServer(config);
        CliProcess run = bridge("-p", port(server), "run", "--", "stubborn")) {
      run.awaitStdout("ignoring SIGTERM", T);
      run.signal("INT");
      run.awaitStderr("^C again to exit", T);
      run.signal("INT");
      assertThat(run.waitFor(T)).isEqualTo(130);
      assertThat(run.stderr()).doesNotContain("Exception");
    }
  }

  @Test
  void secondInterruptInLocalModeLeavesNothingRunning() throws Exception {
    Path pid = dir.resolve("stubborn.pid");
    try (CliProcess run =
        bridge(
            "run",
            "--local",
            "--command",
            "/bin/sh " + FakeTox.script(),
            "--",
            "stubborn",
            pid.toString())) {
      run.awaitStdout("ignoring SIGTERM", T);
      long stubborn = Long.parseLong(Files.readString(pid).trim());
      run.signal("INT");
      run.awaitStderr("^C again to exit", T);
      run.signal("INT");
      assertThat(run.waitFor(T)).isEqualTo(130);
      Await.until(() -> !Await.running(stubborn), T, "the local run's process to be killed");
    }
  }

  @Test
  void unreachableServerGivesUpWithinTheTimeoutAndSaysWhatToDo() throws Exception {
    int port = CliProcess.freePort();
    long start = System.nanoTime();
    try (CliProcess run = bridge("-p", Integer.toString(port), "-t", "1", "run", "--", "x")) {
      assertThat(run.waitFor(T)).isEqualTo(69);
      assertThat(run.stderr())
          .startsWith("bridge: No tox-server answered at tcp://localhost:" + port + " within 1 s")
          .contains("is it running?");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void serverKilledMidRunIsDetectedByItsSilence() throws Exception {
    int port = CliProcess.freePort();
    List<ProcessHandle> leftovers = new ArrayList<>();
    try (CliProcess server =
        CliProcess.start(
            dir,
            "-p",
            Integer.toString(port),
            "serve",
            "--no-tee",
            "--command",
            "/bin/sh " + FakeTox.script())) {
      server.awaitStderr("^C to exit", T);
      try (CliProcess run =
          bridge("-p", Integer.toString(port), "-t", "2", "run", "--", "sleep", "100")) {
        run.awaitStdout("sleeping", T);
        server.process.descendants().forEach(leftovers::add);
        server.signal("KILL");
        assertThat(run.waitFor(T)).isEqualTo(69);
        assertThat(run.stderr()).contains("stopped answering for 2 s");
      }
    } finally {
      leftovers.forEach(ProcessHandle::destroyForcibly); // kill -9 left the server's run behind
    }
  }

  @Test
  void aRunWaitingBehindAnotherClientsSaysItIsQueuedOnce() throws Exception {
    Path release = dir.resolve("release");
    try (TestServer server = TestServer.start(FakeTox.command(), dir)) {
      AsyncClient first = AsyncClient.run(server.endpoint, List.of("wait-for", release.toString()));
      first.recorder.awaitStdout("waiting for", T);
      try (CliProcess run = bridge("-p", port(server), "run", "--", "echo", "second")) {
        run.awaitStderr("Command RUN is queued", T);
        Files.writeString(release, "go");
        assertThat(run.waitFor(T)).isZero();
        assertThat(run.stdout()).isEqualTo("second\n");
        assertThat(run.stderr().split("Command RUN is queued", -1)).hasSize(2);
      }
      assertThat(first.await(T).returncode()).isZero();
    }
  }

  @Test
  void worksAgainstAServerThatSpeaksOnlyProtocolV1() throws Exception {
    String python = Tools.pythonWithZmq();
    int port = CliProcess.freePort();
    Path script = resource("/v1_server.py");
    List<String> cmd =
        List.of(
            python,
            script.toString(),
            Integer.toString(port),
            "/bin/sh",
            FakeTox.script().toString());
    Process server = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      byte[] ready = server.getInputStream().readNBytes(6);
      assertThat(new String(ready, UTF8)).isEqualTo("ready\n");
      Path data =
          Files.write(
              dir.resolve("data.bin"), "\u001b[32mgreen\u001b[0m\nno newline".getBytes(UTF8));
      try (CliProcess run =
          bridge("-p", Integer.toString(port), "run", "--", "cat", data.toString())) {
        assertThat(run.waitFor(T)).isZero();
        assertThat(run.stdoutBytes()).isEqualTo(Files.readAllBytes(data));
        assertThat(run.stderr()).matches("\\[DONE\\] passed in \\d+\\.\\d s\n");
      }
      try (CliProcess run = bridge("-p", Integer.toString(port), "run", "--", "exit", "5")) {
        assertThat(run.waitFor(T)).isEqualTo(5);
      }
    } finally {
      server.descendants().forEach(ProcessHandle::destroyForcibly);
      server.destroyForcibly();
    }
  }

  @Test
  void localModeRunsTheCommandInThisDirectoryWithoutAnyServer() throws Exception {
    try (CliProcess run =
        bridge(
            "run", "--local", "--command", "/bin/sh " + FakeTox.script(), "--", "echo", "local")) {
      assertThat(run.waitFor(T)).isZero();
      assertThat(run.stdout()).isEqualTo("local\n");
      assertThat(run.stderr()).matches("\\[DONE\\] passed in \\d+\\.\\d s\n");
    }
  }

  @Test
  void localModeWithoutToxSaysHowToGetIt() throws Exception {
    Path emptyBin = Files.createDirectory(dir.resolve("bin"));
    try (CliProcess run = bridge(dir, Map.of("PATH", emptyBin.toString()), "run", "--local")) {
      assertThat(run.waitFor(T)).isEqualTo(1);
      assertThat(run.stderr())
          .contains("tox is not installed")
          .contains("apt-get install tox")
          .contains("pip install tox")
          .contains("--command");
    }
  }

  @Test
  void commandWithoutLocalIsAUsageError() throws Exception {
    try (CliProcess run = bridge("-p", "1", "run", "--command", "pytest")) {
      assertThat(run.waitFor(T)).isEqualTo(2);
      assertThat(run.stderr()).contains("--command only applies with --local");
    }
  }

  @Test
  void realToxRunsTheSampleProjectLocally() throws Exception {
    Path tox = Tools.tox();
    Path project = dir.resolve("sample");
    SampleProject.copyTo(project);
    try (CliProcess run =
        bridge(project, Map.of("PATH", tox.getParent() + ":/usr/bin:/bin"), "run", "--local")) {
      assertThat(run.waitFor(Duration.ofSeconds(90))).isZero();
      assertThat(run.stdout() + run.stderr()).contains("Ran 2 tests").contains("OK");
      assertThat(run.stdout()).contains("commands succeeded");
      assertThat(run.stderr()).containsPattern("\\[DONE\\] passed in \\d+\\.\\d s\n$");
    }
  }

  private static Path resource(String name) throws URISyntaxException, IOException {
    var url = BridgeRunTest.class.getResource(name);
    return Path.of(url.toURI());
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;
}
