package dev.toxserver.watch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What to watch and how.
 *
 * @param root the project directory, watched recursively
 * @param includes gitignore-style patterns; when not empty, only files matching one of them trigger
 *     (see {@link PathFilter} for the exact rules)
 * @param excludes gitignore-style patterns of paths that never trigger, in addition to the default
 *     ignores and the root {@code .gitignore}
 * @param debounce how long the tree must stay quiet before the changes so far are delivered as one
 *     batch
 * @param pollInterval how often to scan the tree for changes instead of asking the operating system
 *     for change events, or {@code null} to use the operating system's events. Polling is for file
 *     systems whose events never arrive (network and many virtual-machine mounts).
 */
public record WatchSettings(
    Path root,
    List<String> includes,
    List<String> excludes,
    Duration debounce,
    Duration pollInterval) {

  /** The debounce used unless told otherwise. */
  public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(100);

  /** A stream of changes that never pauses is still delivered at least this often. */
  static final Duration MIN_MAX_DELAY = Duration.ofSeconds(2);

  public WatchSettings {
    Objects.requireNonNull(root, "root");
    includes = List.copyOf(includes);
    excludes = List.copyOf(excludes);
    Objects.requireNonNull(debounce, "debounce");
    if (debounce.isNegative() || debounce.isZero()) {
      throw new IllegalArgumentException("debounce must be positive: " + debounce);
    }
    if (pollInterval != null && (pollInterval.isNegative() || pollInterval.isZero())) {
      throw new IllegalArgumentException("poll interval must be positive: " + pollInterval);
    }
  }

  /** Watch {@code root} with operating-system events, no include or exclude patterns. */
  public static WatchSettings of(Path root) {
    return new WatchSettings(root, List.of(), List.of(), DEFAULT_DEBOUNCE, null);
  }

  public WatchSettings withIncludes(List<String> patterns) {
    return new WatchSettings(root, patterns, excludes, debounce, pollInterval);
  }

  public WatchSettings withExcludes(List<String> patterns) {
    return new WatchSettings(root, includes, patterns, debounce, pollInterval);
  }

  public WatchSettings withDebounce(Duration quiet) {
    return new WatchSettings(root, includes, excludes, quiet, pollInterval);
  }

  /** Poll every {@code interval} instead of using events; {@code null} turns polling off. */
  public WatchSettings withPollInterval(Duration interval) {
    return new WatchSettings(root, includes, excludes, debounce, interval);
  }

  /** Whether changes are found by scanning rather than by operating-system events. */
  public boolean polling() {
    return pollInterval != null;
  }

  /**
   * The longest a burst is held back: ten debounce periods, at least two seconds. A stream of
   * changes that never pauses for {@link #debounce()} (a log file written inside the project, say)
   * is still delivered this often.
   */
  public Duration maxDelay() {
    Duration tenFold = debounce.multipliedBy(10);
    return tenFold.compareTo(MIN_MAX_DELAY) > 0 ? tenFold : MIN_MAX_DELAY;
  }
}
