package dev.toxserver.bench.server;

/** How a figure compares with its target. BROKEN makes the benchmark exit non-zero. */
enum Verdict {
  PASS,
  MISS,
  INFO,
  BROKEN;

  /** PASS when the target is met, MISS otherwise. */
  static Verdict of(boolean met) {
    return met ? PASS : MISS;
  }

  /** PASS when the result is right, BROKEN otherwise. */
  static Verdict intact(boolean right) {
    return right ? PASS : BROKEN;
  }
}
