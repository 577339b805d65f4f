package dev.toxserver.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toxserver.client.ServerErrorException;
import dev.toxserver.client.ServerUnreachableException;
import dev.toxserver.client.ToxServerClient;
import dev.toxserver.support.Await;
import dev.toxserver.support.CliProcess;
import dev.toxserver.support.FakeTox;
import dev.toxserver.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bridge watch} as a user runs it: a real process watching a real directory, runs on a real
 * server whose fake tox logs every run it starts.
 */
@Timeout(120)
class BridgeWatchTest {
  private static final Duration T = Duration.ofSeconds(30);

  /**
   * How long "nothing happened" is given to happen: five debounce periods. Every such check is
   * followed by a real change whose run must be the only one.
   */
  private static final Duration QUIET = Duration.ofMillis(500);

  @TempDir Path dir;
  private Path project;
  private Path outside;
  private Path runLog;

  @BeforeEach
  void project() throws Exception {
    project = Files.createDirectories(dir.resolve("project"));
    outside = Files.createDirectories(dir.resolve("outside"));
    runLog = outside.resolve("runs.log");
    Files.writeString(project.resolve("app.py"), "A = 1\n");
    Files.writeString(project.resolve(".gitignore"), "*.log\n/generated/\n");
  }

  private TestServer server() throws Exception {
    return TestServer.start(FakeTox.loggingTo(runLog), outside);
  }

  private CliProcess watch(TestServer server, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("-p", Integer.toString(server.server.port())));
    all.add("watch");
    all.addAll(List.of(args));
    CliProcess p =
        CliProcess.startMain(
            "dev.toxserver.bridge.BridgeCli", dir, Map.of(), true, all.toArray(new String[0]));
    p.awaitStderr("Watching", T);
    return p;
  }

  private List<String> runs() throws Exception {
    return Files.exists(runLog) ? Files.readAllLines(runLog) : List.of();
  }

  /** The "[RUN] hh:mm:ss what" headers so far, without the time. */
  private static List<String> headers(CliProcess p) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("\\[RUN\\] \\d\\d:\\d\\d:\\d\\d (.*)\n").matcher(p.stderr());
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static void write(Path file, String content) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  @Test
  void aSaveRunsOnceAndABurstOfFiftySavesRunsOnce() throws Exception {
    try (TestServer server = server();
        CliProcess watch = watch(server, project.toString(), "--", "echo", "tested")) {
      write(project.resolve("app.py"), "A = 2\n");
      watch.awaitStderr("[DONE]", 1, T);
      // stdout and stderr are read by two threads: the run's output may be read after [DONE].
      watch.awaitStdout("tested\n", T);
      assertThat(watch.stdout()).isEqualTo("tested\n");
      for (int i = 0; i < 50; i++) {
        write(project.resolve("pkg/m" + String.format("%02d", i) + ".py"), "X = " + i + "\n");
      }
      watch.awaitStderr("[DONE]", 2, T);
      Thread.sleep(QUIET.toMillis()); // a bounded quiet period: no third run may start
      write(project.resolve("app.py"), "A = 3\n");
      watch.awaitStderr("[DONE]", 3, T);
      assertThat(headers(watch))
          .containsExactly(
              "changed: app.py",
              "changed: pkg/m00.py, pkg/m01.py, pkg/m02.py and 47 more",
              "changed: app.py");
      assertThat(runs()).containsExactly("echo tested", "echo tested", "echo tested");
    }
  }

  @Test
  void ignoredPathsAndUnchangedSavesRunNothing() throws Exception {
    try (TestServer server = server();
        CliProcess watch = watch(server, project.toString(), "--", "echo", "x")) {
      write(project.resolve(".git/index"), "git");
      write(project.resolve("node_modules/lib/index.js"), "js");
      write(project.resolve("__pycache__/app.cpython-311.pyc"), "pyc");
      write(project.resolve(".tox/py3/log.txt"), "tox");
      write(project.resolve(".app.py.swp"), "swap");
      write(project.resolve("app.py~"), "backup");
      write(project.resolve("debug.log"), "gitignored");
      write(project.resolve("generated/out.py"), "gitignored directory");
      write(project.resolve("app.py"), "A = 1\n"); // saved without a change
      Thread.sleep(QUIET.toMillis()); // a bounded quiet period: none of that may start a run
      write(project.resolve("real.py"), "R = 1\n");
      watch.awaitStderr("[DONE]", 1, T);
      Thread.sleep(QUIET.toMillis());
      assertThat(headers(watch)).containsExactly("changed: real.py");
      assertThat(runs()).hasSize(1);
    }
  }

  @Test
  void excludeAndIncludeRefineWhatRuns() throws Exception {
    try (TestServer server = server();
        CliProcess watch =
            watch(
                server,
                "--include",
                "*.py",
                "--exclude",
                "docs/",
                project.toString(),
                "--",
                "echo",
                "x")) {
      write(project.resolve("README.md"), "not included");
      write(project.resolve("docs/conf.py"), "excluded");
      Thread.sleep(QUIET.toMillis()); // a bounded quiet period
      write(project.resolve("src/lib.py"), "L = 1\n");
      watch.awaitStderr("[DONE]", 1, T);
      assertThat(headers(watch)).containsExactly("changed: src/lib.py");
    }
  }

  @Test
  void aSaveDuringARunRestartsIt() throws Exception {
    Path release = outside.resolve("release");
    try (TestServer server = server();
        CliProcess watch =
            watch(server, project.toString(), "--", "wait-for", release.toString())) {
      write(project.resolve("app.py"), "A = 2\n");
      watch.awaitStdout("waiting for", T);
      write(project.resolve("other.py"), "O = 1\n");
      watch.awaitStderr("Files changed (other.py): restarting.", T);
      watch.awaitStderr("[CANCELLED]", T);
      watch.awaitStderr("changed: other.py", T);
      write(release, "go");
      watch.awaitStderr("[DONE]", T);
      assertThat(headers(watch)).containsExactly("changed: app.py", "changed: other.py");
      assertThat(runs()).hasSize(2);
    }
  }

  @Test
  void queueModeRunsOnceMoreAfterTheRunWithEverythingThatChanged() throws Exception {
    Path release = outside.resolve("release");
    try (TestServer server = server();
        CliProcess watch =
            watch(
                server,
                "--on-change=queue",
                project.toString(),
                "--",
                "wait-for",
                release.toString())) {
      write(project.resolve("app.py"), "A = 2\n");
      watch.awaitStdout("waiting for", T);
      write(project.resolve("b.py"), "B = 1\n");
      watch.awaitStderr("[RUN]", 1, T);
      write(project.resolve("c.py"), "C = 1\n");
      Thread.sleep(QUIET.toMillis()); // both changes are in; the run goes on
      assertThat(watch.stderr()).doesNotContain("[CANCELLED]");
      write(release, "go");
      watch.awaitStderr("[DONE]", 2, T);
      assertThat(headers(watch)).containsExactly("changed: app.py", "changed: b.py, c.py");
    }
  }

  @Test
  void ignoreModeDropsAChangeDuringARun() throws Exception {
    Path release = outside.resolve("release");
    try (TestServer server = server();
        CliProcess watch =
            watch(
                server,
                "--on-change=ignore",
                project.toString(),
                "--",
                "wait-for",
                release.toString())) {
      write(project.resolve("app.py"), "A = 2\n");
      watch.awaitStdout("waiting for", T);
      write(project.resolve("b.py"), "B = 1\n");
      Thread.sleep(QUIET.toMillis()); // a bounded quiet period: the change comes in, and is dropped
      write(release, "go");
      watch.awaitStderr("[DONE]", 1, T);
      write(project.resolve("c.py"), "C = 1\n");
      watch.awaitStderr("[DONE]", 2, T);
      assertThat(watch.stderr()).doesNotContain("[CANCELLED]");
      assertThat(headers(watch)).containsExactly("changed: app.py", "changed: c.py");
    }
  }

  @Test
  void aDirectoryCreatedAfterStartIsWatched() throws Exception {
    try (TestServer server = server();
        CliProcess watch = watch(server, project.toString(), "--", "echo", "x")) {
      Files.createDirectories(project.resolve("new/deeper"));
      write(project.resolve("new/deeper/test_new.py"), "T = 1\n");
      watch.awaitStderr("[DONE]", 1, T);
      assertThat(headers(watch)).last().isEqualTo("changed: new/deeper/test_new.py");
    }
  }

  @Test
  void enterRerunsRunOnStartRunsAtOnceAndQQuits() throws Exception {
    try (TestServer server = server();
        CliProcess watch = watch(server, "--run-on-start", project.toString(), "--", "echo", "x")) {
      watch.awaitStderr("[DONE]", 1, T);
      watch.stdin().write('\n');
      watch.stdin().flush();
      watch.awaitStderr("[DONE]", 2, T);
      watch.stdin().write('q');
      watch.stdin().flush();
      assertThat(watch.waitFor(T)).as("exit code; stderr:\n%s", watch.stderr()).isZero();
      assertThat(headers(watch)).containsExactly("first run", "rerun requested");
    }
  }

  @Test
  void interruptCancelsTheRunInFlightAndBetweenRunsQuits() throws Exception {
    Path release = outside.resolve("release");
    try (TestServer server = server();
        CliProcess watch =
            watch(server, project.toString(), "--", "wait-for", release.toString())) {
      write(project.resolve("app.py"), "A = 2\n");
      watch.awaitStdout("waiting for", T);
      watch.signal("INT");
      watch.awaitStderr("[CANCELLED]", T);
      assertThat(watch.process.isAlive()).as("still watching after the run was cancelled").isTrue();
      watch.signal("INT");
      assertThat(watch.waitFor(T)).as("exit code; stderr:\n%s", watch.stderr()).isEqualTo(130);
      assertThat(watch.stderr()).doesNotContain("Exception");
    }
  }

  @Test
  void anUnreachableServerFailsTheRunAndWatchingGoesOn() throws Exception {
    int port = CliProcess.freePort();
    try (CliProcess watch =
        CliProcess.startMain(
            "dev.toxserver.bridge.BridgeCli",
            dir,
            Map.of(),
            true,
            "-p",
            Integer.toString(port),
            "-t",
            "1",
            "watch",
            project.toString())) {
      watch.awaitStderr("Watching", T);
      write(project.resolve("app.py"), "A = 2\n");
      watch.awaitStderr("No tox-server answered", T);
      assertThat(watch.process.isAlive()).isTrue();
      watch.stdin().write('q');
      watch.stdin().flush();
      assertThat(watch.waitFor(T)).as("exit code; stderr:\n%s", watch.stderr()).isZero();
    }
  }

  /** {@code tox-server serve} on {@code port}, running the fake tox. */
  private static String[] fakeToxServer(int port) {
    return new String[] {
      "-p", Integer.toString(port), "serve", "--no-tee", "--command", "/bin/sh " + FakeTox.script()
    };
  }

  /**
   * {@code bridge watch} of the project against {@code port}; each run waits for {@code release}.
   */
  private CliProcess watchWaitingFor(int port, Path release) throws Exception {
    return CliProcess.startMain(
        "dev.toxserver.bridge.BridgeCli",
        dir,
        Map.of(),
        true,
        "-p",
        Integer.toString(port),
        "-t",
        "2",
        "watch",
        project.toString(),
        "--",
        "wait-for",
        release.toString());
  }

  @Test
  void aServerKilledMidRunIsReportedAndTheNextSaveRunsOnTheRestartedServer() throws Exception {
    int port = CliProcess.freePort();
    String[] serve = fakeToxServer(port);
    Path release = outside.resolve("release");
    CliProcess first = CliProcess.start(outside, serve);
    try (CliProcess watch = watchWaitingFor(port, release)) {
      first.awaitStderr("^C to exit", T);
      watch.awaitStderr("Watching", T);
      write(project.resolve("app.py"), "A = 2\n");
      watch.awaitStdout("waiting for", T);
      first.signal("KILL");
      first.waitFor(T);
      watch.awaitStderr("stopped answering", T);
      assertThat(watch.process.isAlive()).isTrue();
      try (CliProcess second = CliProcess.start(outside, serve)) {
        second.awaitStderr("^C to exit", T);
        assertThat(second.stderr()).contains("Ending what is left of a run");
        Files.createFile(release);
        write(project.resolve("app.py"), "A = 3\n");
        watch.awaitStderr("[DONE]", 1, T);
        watch.awaitStdout("released\n", T); // read by another thread than stderr
        assertThat(watch.stdout()).endsWith("released\n");
      }
      watch.stdin().write('q');
      watch.stdin().flush();
      assertThat(watch.waitFor(T)).isZero();
    } finally {
      first.close();
    }
  }

  /**
   * A run cancelled after its server died leaves an INTERRUPT in the lost connection, and the next
   * run, sent while no server listens, a RUN: neither may reach the server started in its place.
   */
  @Test
  void nothingOfALostConnectionReachesTheRestartedServer() throws Exception {
    int port = CliProcess.freePort();
    String[] serve = fakeToxServer(port);
    Path release = outside.resolve("release");
    Path secondLog = outside.resolve("second.log");
    CliProcess first = CliProcess.start(outside, serve);
    try (CliProcess watch = watchWaitingFor(port, release)) {
      first.awaitStderr("^C to exit", T);
      watch.awaitStderr("Watching", T);
      write(project.resolve("app.py"), "A = 2\n");
      watch.awaitStdout("waiting for", T);
      first.signal("KILL");
      first.waitFor(T);
      write(project.resolve("other.py"), "O = 1\n"); // restarts the run: an INTERRUPT, unanswered
      watch.awaitStderr("stopped answering", T);
      watch.awaitStderr("No tox-server answered", T); // the restarted run found no server either
      Files.createFile(release);
      try (CliProcess second =
          CliProcess.start(outside, Map.of("FAKE_TOX_LOG", secondLog.toString()), serve)) {
        second.awaitStderr("^C to exit", T);
        write(project.resolve("app.py"), "A = 3\n");
        watch.awaitStderr("[DONE]", 1, T);
        Await.until(() -> tasks(port) == 0, T, "the second server to be idle");
        assertThat(Files.readAllLines(secondLog))
            .as("runs on the second server; stderr:\n%s", watch.stderr())
            .containsExactly("wait-for " + release);
        assertThat(watch.stderr()).doesNotContain("refused");
      }
      watch.stdin().write('q');
      watch.stdin().flush();
      assertThat(watch.waitFor(T)).isZero();
    } finally {
      first.close();
    }
  }

  /** Runs queued or running on the server at {@code port}, from a PING. */
  private static int tasks(int port) {
    try (ToxServerClient client = new ToxServerClient("tcp://127.0.0.1:" + port)) {
      return client.ping(T).path("tasks").asInt();
    } catch (ServerUnreachableException | ServerErrorException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aMissingDirectoryIsAUsageError() throws Exception {
    try (CliProcess watch =
        BridgeRunTest.bridge(dir, Map.of(), "-p", "1", "watch", dir.resolve("nope").toString())) {
      assertThat(watch.waitFor(T)).as("exit code; stderr:\n%s", watch.stderr()).isEqualTo(2);
      assertThat(watch.stderr()).contains("is not a directory");
    }
  }
}
