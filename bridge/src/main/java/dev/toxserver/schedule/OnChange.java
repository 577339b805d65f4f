package dev.toxserver.schedule;

import java.util.Locale;

/** What a change during a run does, for {@code bridge watch} and for editors alike. */
public enum OnChange {
  /** Cancel the run in flight, then start one new run. */
  RESTART,
  /** Let the run finish, then run once more. */
  QUEUE,
  /** Let the run finish; the change is dropped. */
  IGNORE;

  /**
   * {@code restart}, {@code queue} or {@code ignore}, in any case.
   *
   * @throws IllegalArgumentException for anything else, saying what is accepted
   */
  public static OnChange parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("takes restart, queue or ignore, not '" + value + "'", e);
    }
  }
}
