package dev.toxserver.servercli;

import dev.toxserver.cli.Logging;
import dev.toxserver.client.ClientListener;
import dev.toxserver.client.ToxServerClient;
import dev.toxserver.server.ServerConfig;
import dev.toxserver.server.ToxServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The workload {@code bin/tox-server} runs once to record a class-data-sharing archive: it loads
 * the classes a real start-up loads (CLI parsing, a server, a client, a run), so later starts map
 * them from the archive instead of parsing and verifying them again.
 */
public final class ServerCdsTraining {
  private ServerCdsTraining() {}

  public static void main(String[] args) throws Exception {
    StringWriter sink = new StringWriter();
    new ToxServerCli(Map.of())
        .execute(new String[] {"--help"}, new PrintWriter(sink), new PrintWriter(sink));
    new ToxServerCli(Map.of())
        .execute(new String[] {"serve", "--help"}, new PrintWriter(sink), new PrintWriter(sink));
    Logging.configure(java.util.logging.Level.WARNING, System.err);
    ToxServer server = new ToxServer(ServerConfig.local(List.of("true"), Path.of("")));
    String endpoint = server.start();
    try (ToxServerClient client = new ToxServerClient(endpoint)) {
      client.ping(Duration.ofSeconds(10));
      client.run(List.of(), Duration.ofSeconds(10), ClientListener.NONE);
      client.quit(Duration.ofSeconds(10));
    }
    server.awaitTermination(Duration.ofSeconds(10));
  }
}
