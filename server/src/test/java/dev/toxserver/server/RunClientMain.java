package dev.toxserver.server;

import dev.toxserver.client.ToxServerClient;
import dev.toxserver.support.Recorder;
import java.util.Arrays;

/** A client in a process of its own, for tests that kill the client: {@code ENDPOINT ARGS...}. */
public final class RunClientMain {
  public static void main(String[] args) throws Exception {
    try (ToxServerClient c = new ToxServerClient(args[0])) {
      System.exit(
          c.run(Arrays.asList(args).subList(1, args.length), null, new Recorder()).returncode());
    }
  }
}
