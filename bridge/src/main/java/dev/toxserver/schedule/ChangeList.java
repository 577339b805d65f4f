package dev.toxserver.schedule;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** How changed files are named in one line: the first few, then how many more. */
public final class ChangeList {
  /** How many files are named before "and N more". */
  static final int NAMED = 3;

  private ChangeList() {}

  public static String describe(List<Path> files) {
    if (files.isEmpty()) {
      return "no files";
    }
    String named =
        files.stream().limit(NAMED).map(ChangeList::slashed).collect(Collectors.joining(", "));
    return files.size() > NAMED ? named + " and " + (files.size() - NAMED) + " more" : named;
  }

  private static String slashed(Path p) {
    return p.toString().replace('\\', '/');
  }
}
