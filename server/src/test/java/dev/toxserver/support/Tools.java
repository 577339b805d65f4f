package dev.toxserver.support;

import dev.toxserver.process.Executables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * External tools some tests need. Missing in CI is a failure (.ci/run installs them); elsewhere the
 * test is skipped with a message saying how to install the tool.
 */
public final class Tools {
  private Tools() {}

  private static boolean inCi() {
    String ci = System.getenv("CI");
    return ci != null && !ci.isEmpty() && !ci.equals("false");
  }

  private static void missing(String what, String install) {
    String message = what + " is not installed; " + install;
    if (inCi()) {
      throw new AssertionError("CI must have it: " + message);
    }
    Assumptions.abort(message);
  }

  /** The path of tox, or the test is skipped (failed in CI). */
  public static Path tox() {
    var tox = Executables.onPath("tox");
    if (tox.isEmpty()) {
      missing(
          "tox", "install it with 'apt-get install tox' (or 'pip install tox') to run this test.");
    }
    return tox.orElseThrow();
  }

  /** The path of node, or the test is skipped (failed in CI). */
  public static Path node() {
    var node = Executables.onPath("node");
    if (node.isEmpty()) {
      missing(
          "Node.js (node)",
          "install it with 'apt-get install nodejs npm' (Node 16 or later) to run this test.");
    }
    return node.orElseThrow();
  }

  /** The path of npm, or the test is skipped (failed in CI). */
  public static Path npm() {
    var npm = Executables.onPath("npm");
    if (npm.isEmpty()) {
      missing("npm", "install it with 'apt-get install npm' to run this test.");
    }
    return npm.orElseThrow();
  }

  /** A python3 that can 'import zmq', or the test is skipped (failed in CI). */
  public static String pythonWithZmq() throws Exception {
    for (String candidate : new String[] {"/usr/bin/python3", "python3"}) {
      if (candidate.startsWith("/") && !Files.isExecutable(Path.of(candidate))) {
        continue;
      }
      Process p =
          new ProcessBuilder(candidate, "-c", "import zmq")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0) {
        return candidate;
      }
    }
    missing(
        "Python's zmq module", "install it with 'apt-get install python3-zmq' to run this test.");
    return null;
  }
}
