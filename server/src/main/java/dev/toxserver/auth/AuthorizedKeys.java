package dev.toxserver.auth;

import dev.toxserver.keys.KeyFileException;
import dev.toxserver.keys.KeyFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.zeromq.ZMQ;

/**
 * The client keys the server accepts: one public key file per client in {@code
 * .tox-server/authorized_keys/}, as {@code bridge auth} writes them. The folder is read again
 * whenever its files change (names, sizes, modification times are compared at each connection), so
 * authorising a client needs no restart. A file that is not a key is reported, by name, once per
 * change, and the others keep working.
 */
public final class AuthorizedKeys {
  private static final Logger LOG = Logger.getLogger("tox-server");

  private final Path dir;
  private final Map<String, Path> extra = new HashMap<>();
  private List<String> stamp;
  private Map<String, Path> keys = Map.of();

  /** The keys in {@code dir} (which may not exist yet). */
  public AuthorizedKeys(Path dir) {
    this.dir = dir;
  }

  /** Also accepts {@code publicKey} (e.g. the server's own), described as {@code source}. */
  public synchronized AuthorizedKeys alsoAccept(byte[] publicKey, Path source) {
    extra.put(ZMQ.Curve.z85Encode(publicKey), source);
    return this;
  }

  public Path dir() {
    return dir;
  }

  /**
   * The file that authorises {@code publicKey}, or null: after reading the folder if it changed.
   */
  public synchronized Path find(byte[] publicKey) {
    reloadIfChanged();
    String z85 = ZMQ.Curve.z85Encode(publicKey);
    Path file = keys.get(z85);
    return file != null ? file : extra.get(z85);
  }

  /** How many client keys the folder holds now. */
  public synchronized int size() {
    reloadIfChanged();
    return keys.size();
  }

  private void reloadIfChanged() {
    List<String> now = stamp();
    if (now.equals(stamp)) {
      return;
    }
    stamp = now;
    Map<String, Path> loaded = new HashMap<>();
    for (Path file : files()) {
      String name = file.getFileName().toString();
      if (name.endsWith(KeyFiles.SECRET_SUFFIX)) {
        LOG.warning(
            "Ignoring "
                + file
                + ": it is a secret key file, and secret keys never belong in "
                + dir
                + ". Delete it, and treat that key as exposed.");
        continue;
      }
      try {
        loaded.put(ZMQ.Curve.z85Encode(KeyFiles.readPublic(file)), file);
      } catch (KeyFileException e) {
        LOG.warning(
            "Ignoring a bad authorised key file: "
                + e.getMessage()
                + " Each file there should hold one client's public key, as 'bridge auth'"
                + " writes it; delete or fix this one (the other keys still work).");
      }
    }
    keys = loaded;
    LOG.fine(() -> "Authorised client keys: " + keys.size() + " in " + dir);
  }

  /** Regular, non-hidden files (hidden ones are half-written keys or editor files). */
  private List<Path> files() {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        if (!p.getFileName().toString().startsWith(".") && Files.isRegularFile(p)) {
          out.add(p);
        }
      }
    } catch (IOException e) {
      LOG.warning("Cannot read " + dir + ": " + e.getMessage());
    }
    out.sort(null);
    return out;
  }

  private List<String> stamp() {
    List<String> s = new ArrayList<>();
    for (Path p : files()) {
      try {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        s.add(p.getFileName() + "|" + a.size() + "|" + a.lastModifiedTime().toMillis());
      } catch (IOException e) {
        s.add(p.getFileName() + "|?");
      }
    }
    return s;
  }
}
