package dev.toxserver.client;

import java.util.List;

/**
 * The end of a run as the server reported it.
 *
 * @param returncode the command's exit status; negative {@code -N} when signal N ended it
 * @param args the arguments the server ran the command with
 * @param cancelled whether the server says it cancelled the run (its reply's {@code cancelled}: our
 *     extension; servers without it never say so), whatever the exit status
 */
public record FinishedRun(int returncode, List<String> args, boolean cancelled) {
  /** The exit status a shell would show for this result: {@code 128+N} for a death by signal N. */
  public int shellExitCode() {
    return returncode < 0 ? 128 - returncode : returncode;
  }
}
