package dev.toxserver.auth;

import dev.toxserver.keys.KeyFileException;
import dev.toxserver.keys.KeyFiles;
import dev.toxserver.text.LogText;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;
import org.zeromq.ZMQ;

/**
 * The client keys the server accepts: one public key file per client in {@code
 * .tox-server/authorized_keys/}, as {@code bridge auth} writes them. The folder is read again at
 * each connection and every half second (see {@link ZapHandler}); a change is found by the files'
 * names and the hashes of their contents (a rewrite of the same size that keeps the old
 * modification time is a change too), so authorising or revoking a client needs no restart, and
 * {@link #onChange} listeners learn of it (the server then refuses the revoked clients' open
 * connections).
 *
 * <p>Files are read without following symbolic links (a link is reported, never read), at most
 * {@link KeyFiles#MAX_BYTES} each. A file that is not a key is reported by its name, never by its
 * content, once per change, and the other keys keep working. Names in the log have control
 * characters escaped ({@link dev.toxserver.text.LogText}).
 */
public final class AuthorizedKeys {
  private static final Logger LOG = Logger.getLogger("tox-server");

  private final Path dir;
  private final Map<String, Path> extra = new HashMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private Map<String, String> stamp;
  private Map<String, Path> keys = Map.of();

  /** The Z85 keys accepted now: what {@link #allows} reads on any thread without I/O. */
  private volatile Set<String> accepted = Set.of();

  /** The keys in {@code dir} (which may not exist yet). */
  public AuthorizedKeys(Path dir) {
    this.dir = dir;
  }

  /** Also accepts {@code publicKey} (e.g. the server's own), described as {@code source}. */
  public synchronized AuthorizedKeys alsoAccept(byte[] publicKey, Path source) {
    extra.put(ZMQ.Curve.z85Encode(publicKey), source);
    publish();
    return this;
  }

  /** Has {@code listener} run (on the thread that read the folder) after each change. */
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  public Path dir() {
    return dir;
  }

  /**
   * The file that authorises {@code publicKey}, or null: after reading the folder if it changed.
   */
  public synchronized Path find(byte[] publicKey) {
    reload();
    String z85 = ZMQ.Curve.z85Encode(publicKey);
    Path file = keys.get(z85);
    return file != null ? file : extra.get(z85);
  }

  /**
   * Whether the key (Z85, as ZAP's user id carries it) was authorised when the folder was last
   * read. Any thread; no I/O.
   */
  public boolean allows(String z85) {
    return z85 != null && accepted.contains(z85);
  }

  /** How many client keys the folder holds now. */
  public synchronized int size() {
    reload();
    return keys.size();
  }

  /**
   * Reads the folder again if its files changed (names or contents).
   *
   * @return whether they had
   */
  public synchronized boolean reload() {
    Map<String, byte[]> contents = new HashMap<>();
    Map<String, String> now = new HashMap<>();
    Map<String, KeyFileException> unreadable = new HashMap<>();
    for (Path file : files()) {
      String name = file.getFileName().toString();
      try {
        byte[] content = KeyFiles.read(file, false);
        contents.put(name, content);
        now.put(name, hash(content));
      } catch (KeyFileException e) {
        unreadable.put(name, e);
        now.put(name, "?" + e.getMessage());
      }
    }
    if (now.equals(stamp)) {
      return false;
    }
    boolean first = stamp == null;
    stamp = now;
    Map<String, Path> loaded = new HashMap<>();
    for (String name : new java.util.TreeSet<>(now.keySet())) {
      Path file = dir.resolve(name);
      if (name.endsWith(KeyFiles.SECRET_SUFFIX)) {
        LOG.warning(
            "Ignoring "
                + LogText.escaped(file)
                + ": it is a secret key file, and secret keys never belong in "
                + LogText.escaped(dir)
                + ". Delete it, and treat that key as exposed.");
        continue;
      }
      try {
        KeyFileException e = unreadable.get(name);
        if (e != null) {
          throw e;
        }
        loaded.put(ZMQ.Curve.z85Encode(KeyFiles.parsePublic(file, contents.get(name))), file);
      } catch (KeyFileException e) {
        LOG.warning(
            "Ignoring a bad authorised key file: "
                + e.getMessage()
                + " Each file there should hold one client's public key, as 'bridge auth'"
                + " writes it; delete or fix this one (the other keys still work).");
      }
    }
    keys = loaded;
    publish();
    LOG.fine(() -> "Authorised client keys: " + keys.size() + " in " + LogText.escaped(dir));
    if (!first) {
      for (Runnable l : listeners) {
        l.run();
      }
    }
    return true;
  }

  private void publish() {
    Set<String> all = new HashSet<>(keys.keySet());
    all.addAll(extra.keySet());
    accepted = Set.copyOf(all);
  }

  private static String hash(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JVM has SHA-256
    }
  }

  /**
   * Non-hidden entries that are files or symbolic links (hidden ones are half-written keys or
   * editor files; links are listed to be reported).
   */
  private List<Path> files() {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        if (p.getFileName().toString().startsWith(".")) {
          continue;
        }
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(p)) {
          out.add(p);
        }
      }
    } catch (IOException e) {
      LOG.warning(
          "Cannot read "
              + LogText.escaped(dir)
              + ": "
              + LogText.escaped(String.valueOf(e.getMessage())));
    }
    out.sort(null);
    return out;
  }
}
