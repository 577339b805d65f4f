package dev.toxserver.bench.stdio;

import dev.toxserver.rpc.BridgeApi;
import dev.toxserver.rpc.EditorRecorder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.jsonrpc.Launcher;

/**
 * {@code bridge/bin/bridge stdio} as users start it, with an lsp4j client on its pipes and an
 * {@link EditorRecorder} as the editor.
 */
final class StdioClient implements AutoCloseable {
  final Process process;
  final EditorRecorder editor =
      new EditorRecorder(
          p -> System.out.println("  (bridge log, " + p.level + ": " + p.message + ")"));
  final BridgeApi.Bridge bridge;
  private final Future<Void> listening;

  private StdioClient(Process process) {
    this.process = process;
    Launcher<BridgeApi.Bridge> launcher =
        new Launcher.Builder<BridgeApi.Bridge>()
            .setLocalService(editor)
            .setRemoteInterface(BridgeApi.Bridge.class)
            .setInput(process.getInputStream())
            .setOutput(process.getOutputStream())
            .setExecutorService(Executors.newCachedThreadPool(daemons()))
            .create();
    bridge = launcher.getRemoteProxy();
    listening = launcher.startListening();
  }

  /** Starts {@code bridge stdio} in {@code work}, its stderr to {@code work/bridge.err}. */
  static StdioClient start(Path bridge, Path work) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(bridge.toString(), "stdio")
            .directory(work.toFile())
            .redirectError(work.resolve("bridge.err").toFile());
    pb.environment().remove("TOX_SERVER_PORT");
    return new StdioClient(pb.start());
  }

  private static ThreadFactory daemons() {
    return r -> {
      Thread t = new Thread(r, "bench-client");
      t.setDaemon(true);
      return t;
    };
  }

  int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("bridge stdio still running after " + timeout);
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    listening.cancel(true);
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
