package dev.toxserver.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.toxserver.support.FakeTox;
import dev.toxserver.support.TestServer;
import dev.toxserver.support.Tools;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bridge stdio} driven by vscode-jsonrpc, the JSON-RPC library under vscode-languageclient
 * 9, rather than by lsp4j on both ends: the test resource {@code vscode-interop/client.js}
 * initializes, runs, cancels a run by cancelling its request, shuts down and exits, and checks each
 * step; this test checks its summary. Needs node and npm: skipped without them, failed in CI.
 */
// A separate thread: a test blocked on a process cannot be interrupted.
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class VscodeJsonrpcInteropTest {
  /** What the first run prints: multi-byte characters, as Content-Length counts bytes. */
  private static final String TEXT = "héllo from vscode-jsonrpc: € and \uD83D\uDE80\n";

  private static final List<String> CLIENT_FILES =
      List.of("package.json", "package-lock.json", "client.js");

  @TempDir Path dir;

  @Test
  void theEditorsLibraryRunsCancelsAndShutsTheBridgeDown() throws Exception {
    Path node = Tools.node();
    Path npm = Tools.npm();
    Path client = installedClient(npm);
    Path project = Files.createDirectories(dir.resolve("project"));
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(project.resolve("app.py"), "A = 1\n");
    Path text = outside.resolve("text.txt");
    Files.writeString(text, TEXT, StandardCharsets.UTF_8);

    try (TestServer server = TestServer.start(FakeTox.command(), outside)) {
      List<String> cmd = new ArrayList<>();
      cmd.add(node.toString());
      cmd.add("client.js");
      cmd.addAll(List.of("--workspace", project.toString()));
      cmd.addAll(List.of("--port", Integer.toString(server.server.port())));
      cmd.addAll(List.of("--run", json("cat", text.toString())));
      cmd.addAll(List.of("--long-run", json("sleep", "60")));
      cmd.addAll(List.of("--timeout-ms", "60000"));
      cmd.add("--");
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path")));
      cmd.addAll(List.of("dev.toxserver.bridge.BridgeCli", "stdio"));
      Path stdout = dir.resolve("client.out");
      Path stderr = dir.resolve("client.err");
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .directory(client.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .redirectOutput(stdout.toFile())
              .redirectError(stderr.toFile());
      pb.environment().remove("TOX_SERVER_PORT");
      pb.environment().remove("TOX_SERVER_HOST");
      int code = waitFor(pb.start(), Duration.ofSeconds(90), "node client.js");
      String out = Files.readString(stdout);
      String err = Files.readString(stderr);
      assertThat(code)
          .as("client.js exit code; its stderr (the bridge's too):\n%s\nstdout:\n%s", err, out)
          .isZero();

      JsonObject summary = new Gson().fromJson(out, JsonObject.class);
      assertThat(summary.getAsJsonObject("initialize").get("protocolVersion").getAsInt())
          .isEqualTo(2);
      JsonObject first = summary.getAsJsonObject("first");
      assertThat(first.get("stdout").getAsString()).isEqualTo(TEXT);
      assertThat(first.get("stderr").getAsString()).isEmpty();
      assertThat(first.getAsJsonObject("result").get("returncode").getAsInt()).isZero();
      List<String> order = strings(first.getAsJsonArray("notifications"));
      assertThat(order).startsWith("runQueued", "runStarted").endsWith("runFinished");
      assertThat(order.subList(2, order.size() - 1)).isNotEmpty().containsOnly("output");

      JsonObject cancelled = summary.getAsJsonObject("cancelled");
      assertThat(cancelled.getAsJsonObject("error").get("code").getAsInt()).isEqualTo(-32800);
      JsonObject finished = cancelled.getAsJsonObject("runFinished");
      assertThat(finished.get("cancelled").getAsBoolean()).isTrue();
      assertThat(finished.get("returncode").getAsInt()).isEqualTo(-15); // SIGTERM
      assertThat(strings(cancelled.getAsJsonArray("notifications")))
          .startsWith("runQueued", "runStarted")
          .endsWith("runFinished");
      assertThat(summary.get("exitCode").getAsInt()).isZero();
    }
  }

  /**
   * The client and its node_modules in bridge/target/vscode-interop. {@code npm ci} runs only when
   * the lockfile differs from the one the installed node_modules came from, so that repeated local
   * runs need no registry.
   */
  private static Path installedClient(Path npm) throws Exception {
    Path resources = resource("vscode-interop");
    Path target = resources.getParent().getParent(); // target/test-classes/vscode-interop
    Path work = Files.createDirectories(target.resolve("vscode-interop"));
    for (String name : CLIENT_FILES) {
      Files.copy(resources.resolve(name), work.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
    String lock = sha256(work.resolve("package-lock.json"));
    Path stamp = work.resolve("node_modules/.installed-from-lock");
    if (Files.exists(stamp) && Files.readString(stamp).trim().equals(lock)) {
      return work;
    }
    Path log = work.resolve("npm-ci.log");
    Process p =
        new ProcessBuilder(npm.toString(), "ci", "--no-audit", "--no-fund")
            .directory(work.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    int code = waitFor(p, Duration.ofSeconds(100), "npm ci");
    assertThat(code).as("npm ci in %s:\n%s", work, Files.readString(log)).isZero();
    Files.writeString(stamp, lock + "\n");
    return work;
  }

  private static Path resource(String name) throws URISyntaxException {
    var url = VscodeJsonrpcInteropTest.class.getResource("/" + name);
    assertThat(url).as("test resource %s", name).isNotNull();
    return Path.of(url.toURI());
  }

  /** Waits for {@code p}; ends its whole tree and fails when it takes longer than {@code limit}. */
  private static int waitFor(Process p, Duration limit, String what) throws InterruptedException {
    if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(what + " did not end within " + limit);
    }
    return p.exitValue();
  }

  private static String json(String... words) {
    return new Gson().toJson(words);
  }

  private static List<String> strings(JsonArray array) {
    List<String> out = new ArrayList<>();
    for (JsonElement e : array) {
      out.add(e.getAsString());
    }
    return out;
  }

  private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
