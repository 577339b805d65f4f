package dev.toxserver.servercli;

import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * {@code tox-server ARGS} whose server loop thread is killed (Thread.stop: an Error at whatever
 * point it is) once the server accepts connections: stands in for a loop that dies of an
 * OutOfMemoryError, in a real process. The first argument is the port; the rest go to the CLI.
 */
public final class LoopKillingMain {
  private LoopKillingMain() {}

  @SuppressWarnings({"deprecation", "removal"})
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    Thread killer =
        new Thread(
            () -> {
              while (true) {
                Thread loop =
                    Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().equals("tox-server-loop"))
                        .findFirst()
                        .orElse(null);
                if (loop != null && accepts(port)) {
                  System.err.println("killing the server loop");
                  loop.stop();
                  return;
                }
                Thread.onSpinWait();
              }
            },
            "loop-killer");
    killer.setDaemon(true);
    killer.start();
    String[] cli = new String[args.length - 1];
    System.arraycopy(args, 1, cli, 0, cli.length);
    ToxServerCli.main(cli);
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
