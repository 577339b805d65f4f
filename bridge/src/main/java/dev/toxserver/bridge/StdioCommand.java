package dev.toxserver.bridge;

import dev.toxserver.cli.CliRoot;
import dev.toxserver.cli.ConnectionOptions;
import dev.toxserver.cli.VersionLine;
import dev.toxserver.rpc.StdioServer;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code bridge stdio}: JSON-RPC for editors on stdin and stdout. */
@Command(
    name = "stdio",
    sortOptions = false,
    description = {
      "Speak JSON-RPC 2.0 with LSP framing (Content-Length headers) on stdin and stdout, for an"
          + " editor that starts the bridge as a child process: it sends initialize, the bridge"
          + " watches the workspace and runs tox on the server after changes, and the editor can"
          + " run and cancel. The API is in docs/bridge-stdio.md. Logs go to stderr; stdout carries"
          + " JSON-RPC only.",
      "The connection options here are defaults for initialize's 'server'; authentication is"
          + " decided as for run, with the workspace folder as the project. The bridge exits when"
          + " the editor sends exit, closes stdin, or (given its processId) dies; its runs on the"
          + " server are cancelled first.",
      ""
    })
final class StdioCommand implements Callable<Integer> {
  @ParentCommand CliRoot parent;

  @Mixin ConnectionOptions options;

  /** What {@code initialize} answers as {@code bridgeVersion}. */
  private static String bridgeVersion() {
    try {
      return VersionLine.of("bridge");
    } catch (IOException e) {
      return "bridge";
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    // stdout is the protocol's alone: anything printed by mistake goes to stderr instead.
    OutputStream protocol = new FileOutputStream(FileDescriptor.out);
    System.setOut(System.err);
    ConnectionOptions.Resolved r = ConnectionOptions.setUp(options, parent);
    return StdioServer.serve(
        System.in,
        protocol,
        r.host(),
        r.port(),
        r.clientTimeout(),
        r.clientSetup(parent),
        bridgeVersion());
  }
}
