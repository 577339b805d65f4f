package dev.toxserver.servercli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toxserver.support.CliProcess;
import dev.toxserver.support.FakeTox;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server whose loop dies (as of an OutOfMemoryError) must not stay up deaf, holding the port: the
 * process exits non-zero, promptly, for a supervisor to restart it.
 */
@Timeout(60)
class LoopFailureTest {
  @TempDir Path dir;

  @Test
  void whenTheLoopDiesTheProcessExitsNonZeroAndFreesThePort() throws Exception {
    int port = CliProcess.freePort();
    try (CliProcess server =
        CliProcess.startMain(
            LoopKillingMain.class.getName(),
            dir,
            Map.of(),
            Integer.toString(port),
            "-p",
            Integer.toString(port),
            "serve",
            "--no-tee",
            "--command",
            "/bin/sh " + FakeTox.script())) {
      long killed = System.nanoTime();
      // 70 when it died serving; 1 (cannot start) when it died while binding.
      assertThat(server.waitFor(Duration.ofSeconds(20))).as(server::stderr).isIn(70, 1);
      assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(Duration.ofSeconds(15));
      assertThat(server.stderr()).contains("killing the server loop");
    }
    try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThat(again.getLocalPort()).isEqualTo(port);
    }
  }
}
