package dev.toxserver.bench;

import dev.toxserver.support.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** A file a process writes its output to, read as it grows and waited on. */
public record LogFile(Path path) {
  /** What the file holds now; empty when it does not exist yet. */
  public String content() {
    try {
      return Files.exists(path) ? Files.readString(path) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How often {@code text} occurs in the file now. */
  public int count(String text) {
    String content = content();
    int n = 0;
    for (int at = content.indexOf(text); at >= 0; at = content.indexOf(text, at + text.length())) {
      n++;
    }
    return n;
  }

  /** Waits until {@code text} occurs in the file. */
  public void awaitText(String text, Duration timeout) throws InterruptedException {
    awaitText(text, 1, timeout);
  }

  /** Waits until {@code text} occurs {@code count} times in the file. */
  public void awaitText(String text, int count, Duration timeout) throws InterruptedException {
    Await.until(
        () -> count(text) >= count,
        timeout,
        () -> count + "× '" + text + "' in " + path + ":\n" + content());
  }

  /** Waits until the file holds {@code count} complete lines. */
  public void awaitLines(int count, Duration timeout) throws InterruptedException {
    Await.until(() -> count("\n") >= count, timeout, () -> count + " lines in " + path);
  }

  /** Waits for a line containing {@code text}; returns it. */
  public String awaitLineWith(String text, Duration timeout) throws InterruptedException {
    return Await.value(
        () -> lineWith(text),
        timeout,
        () -> "a line with '" + text + "' in " + path + ":\n" + content());
  }

  /** The first line containing {@code text}, if there is one yet. */
  public Optional<String> lineWith(String text) {
    return content().lines().filter(l -> l.contains(text)).findFirst();
  }
}
