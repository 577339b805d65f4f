package dev.toxserver.rpc;

import dev.toxserver.client.ClientSetup;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.lsp4j.jsonrpc.Launcher;

/**
 * Wires lsp4j to a session: JSON-RPC with LSP framing on the given streams (the process's stdin and
 * its real stdout), the session as the local service, the editor as the remote proxy.
 */
public final class StdioServer {
  private StdioServer() {}

  /**
   * Serves until the editor asks to exit, closes stdin, or its process dies; returns the exit code
   * (0 after shutdown, 1 otherwise).
   */
  public static int serve(
      InputStream in,
      OutputStream out,
      String host,
      Integer port,
      Duration timeout,
      ClientSetup clients,
      String bridgeVersion)
      throws InterruptedException {
    RpcSession session =
        new RpcSession(new SessionSettings.Defaults(host, port, timeout, clients), bridgeVersion);
    ExecutorService executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "bridge-rpc");
              t.setDaemon(true);
              return t;
            });
    Launcher<BridgeApi.Editor> launcher =
        new Launcher.Builder<BridgeApi.Editor>()
            .setLocalService(session)
            .setRemoteInterface(BridgeApi.Editor.class)
            .setInput(in)
            .setOutput(out)
            .setExecutorService(executor)
            .create();
    session.connect(launcher.getRemoteProxy());
    Future<Void> listening = launcher.startListening();
    Thread eof =
        new Thread(
            () -> {
              try {
                listening.get();
              } catch (Exception e) {
                // ended either way
              }
              session.editorGone("stdin closed");
            },
            "bridge-stdin");
    eof.setDaemon(true);
    eof.start();
    int code = session.awaitEnd();
    executor.shutdownNow();
    return code;
  }
}
