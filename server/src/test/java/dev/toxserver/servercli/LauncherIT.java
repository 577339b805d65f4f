package dev.toxserver.servercli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toxserver.support.Await;
import dev.toxserver.support.FakeTox;
import dev.toxserver.support.LauncherContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code server/bin/tox-server}, the committed launcher, on the jar that 'mvn package' built: the
 * launchers' contract, and what is the server's own.
 */
@Timeout(120)
class LauncherIT extends LauncherContract {
  static final Path LAUNCHER = Path.of("bin/tox-server").toAbsolutePath();

  @Override
  protected String program() {
    return "tox-server";
  }

  @Override
  protected Path launcher() {
    return LAUNCHER;
  }

  @Override
  protected String longRunningCommand() {
    return "serve";
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  @Test
  void serveAndTheClientCommandsWorkThroughTheLauncher() throws Exception {
    int port = dev.toxserver.support.CliProcess.freePort();
    Process server =
        new ProcessBuilder(
                LAUNCHER.toString(),
                "-p",
                Integer.toString(port),
                "serve",
                "--no-tee",
                "--command",
                "/bin/sh " + FakeTox.script())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("server.log").toFile())
            .start();
    try {
      Path log = dir.resolve("server.log");
      Await.until(
          () -> {
            assertThat(server.isAlive()).as("server running").isTrue();
            return Files.readString(log).contains("^C to exit");
          },
          Duration.ofSeconds(30),
          () -> "the server to start; its log:\n" + read(log));
      Launched run = launch("-p", Integer.toString(port), "run", "--", "exit", "4");
      assertThat(run.code()).isEqualTo(4);
      assertThat(run.out()).isEqualTo("exiting with 4\n");
      assertThat(run.err()).isEqualTo("to stderr\n");
      Launched quit = launch("-p", Integer.toString(port), "quit");
      assertThat(quit.out().trim()).isEqualTo("DONE");
      assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(server.exitValue()).isZero();
    } finally {
      server.destroyForcibly();
    }
  }
}
