package dev.toxserver.cli;

import dev.toxserver.client.ClientListener;
import dev.toxserver.client.RunResult;
import dev.toxserver.client.ServerErrorException;
import dev.toxserver.client.ServerUnreachableException;
import dev.toxserver.client.ToxServerClient;
import dev.toxserver.protocol.Stream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/**
 * {@code tox-server run -- ARGS}: the original tool's plain client. The bridge's {@code run} is the
 * full-featured one; this one keeps old habits and scripts working and needs nothing but the jar.
 */
@Command(
    name = "run",
    sortOptions = false,
    description = {
      "Run the server's command with ARGS appended and stream its output here byte-exactly,"
          + " stdout to stdout and stderr to stderr. Exits with the command's exit code (128+N"
          + " when signal N ended it). ^C cancels the run on the server; a second ^C exits at"
          + " once (130).",
      ""
    })
final class RunCommand implements Callable<Integer> {
  /** How long a run may hear nothing from the server (it heartbeats every half of this). */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  @ParentCommand ToxServerCli parent;

  @Mixin ConnectionOptions options;

  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "ARGS",
      description = "Arguments for the command on the server; put them after '--'.")
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() {
    ConnectionOptions.Resolved r = ConnectionOptions.setUp(options, parent);
    String endpoint = r.clientEndpoint();
    PrintWriter err = spec.commandLine().getErr();
    OutputStream out = new FileOutputStream(FileDescriptor.out);
    OutputStream errOut = new FileOutputStream(FileDescriptor.err);
    try (ToxServerClient client = new ToxServerClient(endpoint)) {
      AtomicInteger interrupts = new AtomicInteger();
      Signal.handle(
          new Signal("INT"),
          s -> {
            if (interrupts.incrementAndGet() == 1) {
              err.println();
              err.println("Cancelling run with the server. ^C again to exit.");
              err.flush();
              client.interrupt();
            } else {
              Runtime.getRuntime().halt(130);
            }
          });
      ClientListener listener =
          new ClientListener() {
            @Override
            public void output(Stream stream, byte[] data, int offset, int length) {
              try {
                (stream == Stream.STDOUT ? out : errOut).write(data, offset, length);
              } catch (IOException e) {
                // Our own stdout is gone (e.g. a closed pipe): nothing left to show it on.
              }
            }
          };
      RunResult result =
          client.run(args, r.timeout() == null ? DEFAULT_TIMEOUT : r.timeout(), listener);
      return result.shellExitCode();
    } catch (ServerUnreachableException | IllegalArgumentException e) {
      err.println("tox-server: " + e.getMessage());
      return ToxServerCli.EXIT_UNREACHABLE;
    } catch (ServerErrorException e) {
      err.println("tox-server: " + e.getMessage());
      return 1;
    }
  }
}
