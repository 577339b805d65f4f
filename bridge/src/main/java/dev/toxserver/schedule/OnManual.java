package dev.toxserver.schedule;

/** What a run asked for by hand does while another runs or waits. */
public enum OnManual {
  /**
   * Cancel the run in flight and join the run that waits, if any: the terminal's Enter, which means
   * "run again, now".
   */
  RESTART,
  /**
   * Wait behind the others as a run of its own, with its own arguments: the editor's {@code run},
   * which answers for exactly that run.
   */
  QUEUE
}
