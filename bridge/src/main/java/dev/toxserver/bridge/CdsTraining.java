package dev.toxserver.bridge;

import dev.toxserver.server.ServerConfig;
import dev.toxserver.server.ToxServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The workload {@code bin/bridge} runs once to record a class-data-sharing archive: the classes of
 * a fast-path {@code bridge run} against a real server, of {@code --local}, of the file watcher and
 * of the picocli commands, so later starts map them from the archive instead of loading and
 * verifying them.
 */
public final class CdsTraining {
  private CdsTraining() {}

  public static void main(String[] args) throws Exception {
    StringWriter sink = new StringWriter();
    for (String command : List.of("run", "watch", "ping")) {
      BridgeCli.execute(
          new String[] {command, "--help"}, Map.of(), new PrintWriter(sink), new PrintWriter(sink));
    }
    ToxServer server = new ToxServer(ServerConfig.local(List.of("true"), Path.of("")));
    String endpoint = server.start();
    String port = endpoint.substring(endpoint.lastIndexOf(':') + 1);
    String[] run = {"-h", "127.0.0.1", "-p", port, "-l", "WARNING", "run", "--", "x"};
    QuickRun.parse(run, Map.of()).orElseThrow().execute();
    BridgeCli.execute(
        new String[] {"-h", "127.0.0.1", "-p", port, "ping"},
        Map.of(),
        new PrintWriter(sink),
        new PrintWriter(sink));
    server.stop();
    server.awaitTermination(Duration.ofSeconds(10));
    Path tree = java.nio.file.Files.createTempDirectory("bridge-cds");
    try (var watcher =
        dev.toxserver.watch.ProjectWatcher.start(
            dev.toxserver.watch.WatchSettings.of(tree),
            new dev.toxserver.watch.ProjectWatcher.Listener() {
              @Override
              public void changed(dev.toxserver.watch.ChangeBatch batch) {}

              @Override
              public void failed(Exception error) {}
            })) {
      java.nio.file.Files.writeString(tree.resolve("a.py"), "A = 1\n");
    } finally {
      java.nio.file.Files.deleteIfExists(tree.resolve("a.py"));
      java.nio.file.Files.deleteIfExists(tree);
    }
    RunCommand.run(
        QuickRun.parse(new String[] {"run"}, Map.of()).orElseThrow(),
        dev.toxserver.cli.ConnectionOptions.given(null, null, null, "WARNING"),
        true,
        "true",
        List.of());
  }
}
