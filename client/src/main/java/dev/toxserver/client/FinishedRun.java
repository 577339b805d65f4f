package dev.toxserver.client;

import java.util.List;

/**
 * The end of a run as the server reported it.
 *
 * @param returncode the command's exit status; negative {@code -N} when signal N ended it
 * @param args the arguments the server ran the command with
 */
public record FinishedRun(int returncode, List<String> args) {
  /** The exit status a shell would show for this result: {@code 128+N} for a death by signal N. */
  public int shellExitCode() {
    return returncode < 0 ? 128 - returncode : returncode;
  }
}
