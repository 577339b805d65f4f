package dev.toxserver.bridge;

import dev.toxserver.cli.ConnectionOptions;
import dev.toxserver.local.LocalServer;
import dev.toxserver.watch.ChangeBatch;
import dev.toxserver.watch.ProjectWatcher;
import dev.toxserver.watch.WatchSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

/**
 * The workload {@code bin/bridge} runs once to record a class-data-sharing archive: the classes of
 * a fast-path {@code bridge run} against a real server, of {@code --local}, of the file watcher and
 * of the picocli commands, so later starts map them from the archive instead of loading and
 * verifying them.
 */
public final class BridgeCdsTraining {
  private BridgeCdsTraining() {}

  public static void main(String[] args) throws Exception {
    StringWriter sink = new StringWriter();
    for (String command : List.of("run", "watch", "ping")) {
      new BridgeCli(Map.of())
          .execute(new String[] {command, "--help"}, new PrintWriter(sink), new PrintWriter(sink));
    }
    try (LocalServer server = LocalServer.start(List.of("true"), Path.of(""), Level.WARNING)) {
      String endpoint = server.endpoint();
      String port = endpoint.substring(endpoint.lastIndexOf(':') + 1);
      String[] run = {"-h", "127.0.0.1", "-p", port, "-l", "WARNING", "run", "--", "x"};
      QuickRun.parse(run, Map.of()).orElseThrow().execute();
      new BridgeCli(Map.of())
          .execute(
              new String[] {"-h", "127.0.0.1", "-p", port, "ping"},
              new PrintWriter(sink),
              new PrintWriter(sink));
    }
    Path tree = Files.createTempDirectory("bridge-cds");
    try (var watcher =
        ProjectWatcher.start(
            WatchSettings.of(tree),
            new ProjectWatcher.Listener() {
              @Override
              public void changed(ChangeBatch batch) {}

              @Override
              public void failed(Exception error) {}
            })) {
      Files.writeString(tree.resolve("a.py"), "A = 1\n");
    } finally {
      Files.deleteIfExists(tree.resolve("a.py"));
      Files.deleteIfExists(tree);
    }
    RunCommand.run(
        QuickRun.parse(new String[] {"run"}, Map.of()).orElseThrow(),
        ConnectionOptions.given(null, null, null, "WARNING"),
        true,
        "true",
        List.of());
  }
}
