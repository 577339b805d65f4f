package dev.toxserver.schedule;

/** Why a run happens. */
public enum Trigger {
  /** The first run, before any change ({@code bridge watch --run-on-start}). */
  START,
  /** Files changed. */
  CHANGE,
  /** Someone asked: Enter in the terminal, {@code run} from the editor. */
  MANUAL;

  /** The trigger of one run standing for two: asked for by hand if either was; else what it ran. */
  Trigger merge(Trigger later, boolean files) {
    if (this == MANUAL || later == MANUAL) {
      return MANUAL;
    }
    return files ? CHANGE : later;
  }
}
