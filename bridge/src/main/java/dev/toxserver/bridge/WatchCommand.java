package dev.toxserver.bridge;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code bridge watch}: placeholder until the watcher lands. */
@Command(name = "watch", description = "Rerun tox after files change.")
final class WatchCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 2;
  }
}
