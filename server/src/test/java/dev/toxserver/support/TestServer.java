package dev.toxserver.support;

import dev.toxserver.server.ServerConfig;
import dev.toxserver.server.ToxServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A real server on a free loopback port, in this JVM, running real child processes. */
public final class TestServer implements AutoCloseable {
  public final ToxServer server;
  public final String endpoint;

  public TestServer(ServerConfig config) throws Exception {
    server = new ToxServer(config);
    endpoint = server.start();
  }

  public static TestServer start(List<String> command, Path workdir) throws Exception {
    return new TestServer(
        ServerConfig.local(command, workdir).withKillGrace(Duration.ofSeconds(2)));
  }

  @Override
  public void close() {
    server.stop();
    if (!server.awaitTermination(Duration.ofSeconds(15))) {
      throw new AssertionError("server did not stop within 15 s");
    }
  }
}
