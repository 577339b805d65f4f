package dev.toxserver.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toxserver.support.FakeTox;
import dev.toxserver.support.TestServer;
import dev.toxserver.support.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Python protocol v1 client, written like the original tox-server client (pyzmq,
 * base64.b85decode, no "version" key), runs against this server unchanged.
 */
@Timeout(60)
class PythonClientInteropTest {
  @TempDir Path dir;

  private Process client(String endpoint, Path out, Path err, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(Tools.pythonWithZmq());
    cmd.add(Path.of(getClass().getResource("/v1_client.py").toURI()).toString());
    cmd.add(endpoint);
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
  }

  @Test
  void theOriginalStyleClientGetsEveryByteAndTheReturncode() throws Exception {
    byte[] stdout = ToxServerTest.randomBytesWithAnsiAndBadUtf8(3 << 20, 11);
    byte[] stderr = ToxServerTest.randomBytesWithAnsiAndBadUtf8(1 << 20, 12);
    Path o = Files.write(dir.resolve("o.bin"), stdout);
    Path e = Files.write(dir.resolve("e.bin"), stderr);
    try (TestServer server = TestServer.start(FakeTox.command(), dir)) {
      Path gotOut = dir.resolve("got-out");
      Path gotErr = dir.resolve("got-err");
      Process p =
          client(server.endpoint, gotOut, gotErr, "RUN", "both", o.toString(), e.toString());
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
      assertThat(Files.readAllBytes(gotOut)).isEqualTo(stdout);
      assertThat(Files.readAllBytes(gotErr)).isEqualTo(stderr);

      Process exit = client(server.endpoint, gotOut, gotErr, "RUN", "exit", "5");
      assertThat(exit.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(exit.exitValue()).isEqualTo(5);

      Process ping = client(server.endpoint, gotOut, gotErr, "PING");
      assertThat(ping.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(ping.exitValue()).isZero();
      assertThat(Files.readString(gotOut)).contains("\"tasks\": 0");
    }
  }
}
