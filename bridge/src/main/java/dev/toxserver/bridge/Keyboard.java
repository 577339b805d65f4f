package dev.toxserver.bridge;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Single keys for {@code bridge watch}: Enter reruns, q quits. When stdin is a terminal it is put
 * in non-canonical mode without echo (keys arrive at once, ^C still signals) and restored when the
 * JVM exits; otherwise lines are read as they come, and end of input just stops listening.
 */
final class Keyboard {
  private static final Logger LOG = Logger.getLogger("bridge");

  /** What a key means. */
  interface Keys {
    void rerun();

    void quit();
  }

  private final String savedTty;

  private Keyboard(String savedTty) {
    this.savedTty = savedTty;
  }

  /**
   * Starts listening on a daemon thread: it spends its life blocked in a read of stdin, which no
   * Java call can interrupt, so the process exit ends it.
   */
  static Keyboard listen(InputStream in, Keys keys) {
    String saved = System.console() != null ? stty("-g") : null;
    if (saved != null && stty("-icanon", "-echo", "min", "1") == null) {
      saved = null;
    }
    Keyboard keyboard = new Keyboard(saved);
    if (saved != null) {
      Runtime.getRuntime().addShutdownHook(new Thread(keyboard::restore, "bridge-tty-restore"));
    }
    Thread reader =
        new Thread(
            () -> {
              try {
                int c;
                while ((c = in.read()) != -1) {
                  if (c == '\n' || c == '\r') {
                    keys.rerun();
                  } else if (c == 'q' || c == 'Q') {
                    keys.quit();
                    return;
                  }
                }
              } catch (IOException e) {
                LOG.log(Level.FINE, "stdin closed", e);
              }
            },
            "bridge-keyboard");
    reader.setDaemon(true);
    reader.start();
    return keyboard;
  }

  /** Puts the terminal back as it was. */
  void restore() {
    if (savedTty != null) {
      stty(savedTty);
    }
  }

  /** Runs stty on our terminal; returns what it printed, or null when it failed. */
  private static String stty(String... args) {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "stty";
    System.arraycopy(args, 0, cmd, 1, args.length);
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/tty")))
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      // Wait before reading: stty is stopped (SIGTTOU) when we run in the background, and would
      // hold its output open for ever. What it prints fits in the pipe.
      if (!p.waitFor(1, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.exitValue() == 0 ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
