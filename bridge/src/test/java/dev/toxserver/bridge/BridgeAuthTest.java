package dev.toxserver.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toxserver.keys.StateDir;
import dev.toxserver.server.ServerConfig;
import dev.toxserver.support.CliProcess;
import dev.toxserver.support.FakeTox;
import dev.toxserver.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bridge auth} and authenticated runs as a user has them: real bridge processes, with their
 * own config folder, against a real server with authentication on in the project folder.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BridgeAuthTest {
  private static final Duration T = Duration.ofSeconds(30);

  @TempDir Path dir;

  private Path project;
  private Path log;

  private TestServer authServer() throws Exception {
    project = Files.createDirectories(dir.resolve("project"));
    log = dir.resolve("fake-tox.log");
    return new TestServer(
        ServerConfig.local(FakeTox.loggingTo(log), project)
            .withKillGrace(Duration.ofSeconds(2))
            .withAuth(true));
  }

  private CliProcess bridge(Path cwd, Path config, String... args) throws Exception {
    return BridgeRunTest.bridge(
        cwd,
        Map.of("XDG_CONFIG_HOME", config.toString(), "USER", "dev", "HOSTNAME", "laptop"),
        args);
  }

  private static String port(TestServer s) {
    return Integer.toString(s.server.port());
  }

  @Test
  void bridgeAuthAuthorisesThisClientOnceAndThenRunsWork() throws Exception {
    Path config = dir.resolve("config");
    try (TestServer server = authServer()) {
      // Not yet authorised: no key at all.
      try (CliProcess run = bridge(project, config, "-p", port(server), "run", "--", "echo", "x")) {
        assertThat(run.waitFor(T)).isEqualTo(77);
        assertThat(run.stderr()).contains("This client has no key yet").contains("bridge auth");
      }
      Path keyFile = StateDir.of(project).resolve("authorized_keys/dev@laptop.key");
      try (CliProcess auth = bridge(project, config, "auth")) {
        assertThat(auth.waitFor(T)).isZero();
        assertThat(auth.stdout())
            .contains("Made this client's key pair: " + config.resolve("tox-server/client.key"))
            .contains("Authorised this client for " + project)
            .contains(keyFile.toString());
      }
      assertThat(keyFile).exists();
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(config.resolve("tox-server/client.key_secret"))))
          .isEqualTo("rw-------");
      String written = Files.readString(keyFile);
      try (CliProcess again = bridge(project, config, "auth")) {
        assertThat(again.waitFor(T)).isZero();
        assertThat(again.stdout()).contains("Already authorised").contains("Nothing changed");
      }
      assertThat(Files.readString(keyFile)).isEqualTo(written);
      try (CliProcess run =
          bridge(project, config, "-p", port(server), "run", "--", "echo", "through curve")) {
        assertThat(run.waitFor(T)).isZero();
        assertThat(run.stdout()).isEqualTo("through curve\n");
        assertThat(run.stderr()).contains("[DONE] passed");
      }
      // ping uses the same set-up.
      try (CliProcess ping = bridge(project, config, "-p", port(server), "ping")) {
        assertThat(ping.waitFor(T)).isZero();
        assertThat(ping.stdout()).contains("\"tasks\"");
      }
    }
  }

  @Test
  void anotherUsersKeyIsRejectedWithWhatToDoAndNothingRuns() throws Exception {
    Path stranger = dir.resolve("stranger-config");
    try (TestServer server = authServer()) {
      // The stranger has a key, authorised for some other project only.
      Path other = Files.createDirectories(dir.resolve("other"));
      try (CliProcess auth = bridge(other, stranger, "auth")) {
        assertThat(auth.waitFor(T)).isZero();
      }
      long start = System.nanoTime();
      try (CliProcess run =
          bridge(project, stranger, "-p", port(server), "-t", "10", "run", "--", "echo", "nope")) {
        assertThat(run.waitFor(T)).isEqualTo(77);
        assertThat(run.stderr())
            .contains("rejected this client's key — run 'bridge auth' in the project");
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      // Opting out of CURVE does not get around it.
      try (CliProcess run =
          bridge(
              project, stranger, "-p", port(server), "--insecure", "run", "--", "echo", "nope")) {
        assertThat(run.waitFor(T)).isEqualTo(77);
        assertThat(run.stderr()).contains("requires authentication (CURVE)");
      }
    }
    assertThat(log).doesNotExist();
  }

  @Test
  void watchUsesTheSameSetUp() throws Exception {
    Path config = dir.resolve("config");
    try (TestServer server = authServer()) {
      try (CliProcess auth = bridge(project, config, "auth")) {
        assertThat(auth.waitFor(T)).isZero();
      }
      try (CliProcess watch =
          bridge(
              dir,
              config,
              "-p",
              port(server),
              "watch",
              project.toString(),
              "--run-on-start",
              "--",
              "echo",
              "watched over curve")) {
        watch.awaitStdout("watched over curve", T);
        watch.awaitStderr("[DONE] passed", T);
      }
    }
  }

  @Test
  void watchRunsAgainOnceAuthorisedWithoutARestart() throws Exception {
    Path config = dir.resolve("config");
    try (TestServer server = authServer()) {
      // A key pair of this user's, authorised for another project only.
      Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
      try (CliProcess auth = bridge(elsewhere, config, "auth")) {
        assertThat(auth.waitFor(T)).isZero();
      }
      try (CliProcess watch =
          bridge(
              dir,
              config,
              "-p",
              port(server),
              "watch",
              project.toString(),
              "--run-on-start",
              "--",
              "echo",
              "authorised at last")) {
        watch.awaitStderr("rejected this client's key", T);
        try (CliProcess auth = bridge(project, config, "auth")) {
          assertThat(auth.waitFor(T)).isZero();
        }
        Files.writeString(project.resolve("app.py"), "A = 1\n");
        // The connection whose handshake failed is replaced: the same bridge runs now.
        watch.awaitStdout("authorised at last", T);
        watch.awaitStderr("[DONE] passed", T);
      }
    }
  }
}
