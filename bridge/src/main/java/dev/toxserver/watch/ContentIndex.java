package dev.toxserver.watch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What every triggering file looked like at the last batch (size, modification time, SHA-256 of its
 * content), and so which of the paths events named really changed.
 *
 * <p>Comparing the state at the end of a burst with the state at the start is what makes an
 * unchanged save, a touch, or an editor's write-to-temporary-then-rename of the same bytes produce
 * no batch. (directory-watcher's own hashing compares per event and gets these wrong: it hashes
 * while a save is half written, and a rename over a file reports a modification.)
 *
 * <p>Not thread-safe: built before the batch thread starts, then used only by it.
 */
final class ContentIndex {
  private static final int BUFFER_SIZE = 64 * 1024;

  /** The digest of a file that exists but could not be read: never equal to a real one. */
  private static final byte[] UNREADABLE = new byte[0];

  /** A file's state. Its digest is of the content, or of the target's name for a link. */
  private record Entry(long size, FileTime modified, byte[] digest) {}

  /** A file's size and modification time, as a poll compares them. */
  record FileStamp(long size, FileTime modified) {}

  private final TreeWalker walker;
  private final NavigableMap<String, Entry> entries = new TreeMap<>();
  private final byte[] buffer = new byte[BUFFER_SIZE];
  private final MessageDigest sha256;

  private ContentIndex(TreeWalker walker) {
    this.walker = walker;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }

  /** Walks the watched tree and hashes every triggering file. */
  static ContentIndex build(TreeWalker walker) throws IOException {
    ContentIndex index = new ContentIndex(walker);
    walker.walk(
        walker.root(),
        (relative, dir) -> {},
        (relative, file, attributes) -> index.entries.put(relative, index.entry(file, attributes)));
    return index;
  }

  /** How many files are indexed. */
  int size() {
    return entries.size();
  }

  /**
   * What a poll finds: each triggering file whose size or modification time differs from the index
   * (new files included), with its stat; and each indexed file that is gone, with {@code null}.
   * Reads no content.
   */
  Map<String, FileStamp> scan() throws IOException {
    Map<String, FileStamp> differences = new TreeMap<>();
    Set<String> seen = new HashSet<>();
    walker.walk(
        walker.root(),
        (relative, dir) -> {},
        (relative, file, attributes) -> {
          seen.add(relative);
          Entry known = entries.get(relative);
          FileStamp now = new FileStamp(attributes.size(), attributes.lastModifiedTime());
          if (known == null
              || known.size() != now.size()
              || !known.modified().equals(now.modified())) {
            differences.put(relative, now);
          }
        });
    for (String relative : entries.keySet()) {
      if (!seen.contains(relative)) {
        differences.put(relative, null);
      }
    }
    return differences;
  }

  /**
   * Brings the index up to date for {@code candidates} (paths of files or directories that events
   * named) and returns the files whose content changed, appeared or disappeared, each mapped to the
   * candidate that led to it. A directory candidate stands for every file below it.
   */
  SortedMap<String, String> settle(Collection<String> candidates) {
    SortedMap<String, String> changed = new TreeMap<>();
    for (String candidate : candidates) {
      Path path = walker.resolve(candidate);
      BasicFileAttributes attributes;
      try {
        attributes =
            Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        attributes = null;
      } catch (IOException e) {
        // Cannot tell what it is now (permissions, say): whatever we knew of it has changed.
        attributes = null;
      }
      if (attributes == null) {
        removeAt(candidate, changed, candidate);
        walker.forget(candidate);
      } else if (attributes.isDirectory()) {
        settleDirectory(candidate, path, changed);
      } else {
        removeBelow(candidate, changed, candidate); // it may have been a directory until now
        if ((attributes.isRegularFile() || attributes.isSymbolicLink())
            && walker.filter().triggers(candidate)) {
          settleFile(candidate, path, attributes, changed, candidate);
        } else {
          removeExactly(candidate, changed, candidate);
        }
      }
    }
    return changed;
  }

  private void settleDirectory(String candidate, Path path, SortedMap<String, String> changed) {
    removeExactly(candidate, changed, candidate); // it may have been a file until now
    Set<String> seen = new HashSet<>();
    try {
      walker.walk(
          path,
          (relative, dir) -> {},
          (relative, file, attributes) -> {
            seen.add(relative);
            settleFile(relative, file, attributes, changed, candidate);
          });
    } catch (IOException e) {
      // The walker reports unreadable entries itself; a failure here means the directory went
      // away while being walked, and its deletion event follows.
      return;
    }
    for (String relative : new ArrayList<>(below(candidate).keySet())) {
      if (!seen.contains(relative)) {
        entries.remove(relative);
        changed.putIfAbsent(relative, candidate);
      }
    }
  }

  private void settleFile(
      String relative,
      Path file,
      BasicFileAttributes attributes,
      SortedMap<String, String> changed,
      String candidate) {
    Entry before = entries.get(relative);
    Entry now = entry(file, attributes);
    if (now == null) { // vanished since the walk
      if (entries.remove(relative) != null) {
        changed.putIfAbsent(relative, candidate);
      }
      return;
    }
    entries.put(relative, now);
    if (before == null || !Arrays.equals(before.digest(), now.digest())) {
      changed.putIfAbsent(relative, candidate);
    }
  }

  /** The file's entry, or null if it no longer exists. */
  private Entry entry(Path file, BasicFileAttributes attributes) {
    byte[] digest;
    try {
      digest = attributes.isSymbolicLink() ? linkDigest(file) : contentDigest(file);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      digest = UNREADABLE;
    }
    return new Entry(attributes.size(), attributes.lastModifiedTime(), digest);
  }

  private byte[] contentDigest(Path file) throws IOException {
    sha256.reset();
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        sha256.update(buffer, 0, n);
      }
    }
    return sha256.digest();
  }

  private byte[] linkDigest(Path link) throws IOException {
    sha256.reset();
    return sha256.digest(Files.readSymbolicLink(link).toString().getBytes(StandardCharsets.UTF_8));
  }

  private void removeAt(String relative, SortedMap<String, String> changed, String candidate) {
    removeExactly(relative, changed, candidate);
    removeBelow(relative, changed, candidate);
  }

  private void removeExactly(String relative, SortedMap<String, String> changed, String candidate) {
    if (entries.remove(relative) != null) {
      changed.putIfAbsent(relative, candidate);
    }
  }

  private void removeBelow(String relative, SortedMap<String, String> changed, String candidate) {
    NavigableMap<String, Entry> below = below(relative);
    for (String gone : below.keySet()) {
      changed.putIfAbsent(gone, candidate);
    }
    below.clear();
  }

  /** The entries strictly below the directory {@code relative} ("" is the root). */
  private NavigableMap<String, Entry> below(String relative) {
    if (relative.isEmpty()) {
      return entries;
    }
    // Every path below "a/b" sorts between "a/b/" and "a/b0": '0' is the character after '/'.
    return entries.subMap(relative + "/", true, relative + "0", false);
  }

  /** The indexed paths, for tests. */
  List<String> paths() {
    return List.copyOf(entries.keySet());
  }
}
