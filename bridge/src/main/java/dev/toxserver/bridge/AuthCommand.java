package dev.toxserver.bridge;

import dev.toxserver.cli.CliRoot;
import dev.toxserver.cli.ExitCodes;
import dev.toxserver.cli.UsageError;
import dev.toxserver.keys.ClientKeys;
import dev.toxserver.keys.KeyFileException;
import dev.toxserver.keys.KeyFiles;
import dev.toxserver.keys.KeyPair;
import dev.toxserver.keys.ProjectKeys;
import dev.toxserver.keys.StateDir;
import dev.toxserver.text.LogText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.zeromq.ZMQ;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code bridge auth [PROJECT]}: authorise this client's key with the server of a project, by
 * writing it into the project's {@code .tox-server/authorized_keys/}, one file per key (named
 * {@code USER@HOST-ID.key}, ID from the key, so a second client of the same person, with its own
 * config folder, never replaces the first one's key). That works because the project folder is
 * shared with the container: whoever can write the project may run its tests. {@code --list} shows
 * the authorised clients; {@code --revoke NAME} removes one.
 */
@Command(
    name = "auth",
    sortOptions = false,
    description = {
      "Authorise this client with the tox-server of PROJECT (default: the current directory):"
          + " make this client's key pair if there is none yet (${XDG_CONFIG_HOME:-~/.config}/"
          + "tox-server/client.key and client.key_secret, mode 0600), then write its public key to"
          + " PROJECT/.tox-server/authorized_keys/USER@HOST-ID.key (ID: 8 hex digits from the key,"
          + " so each client's key has a file of its own). The server reads that folder at each"
          + " connection and twice a second: no restart needed. Running it again changes nothing.",
      "With --list: show the authorised clients. With --revoke NAME: remove one (the server then"
          + " refuses its open connections and cancels its runs). Both are idempotent.",
      "Clients in PROJECT then connect with authentication (CURVE) whenever"
          + " PROJECT/.tox-server/server.key exists, which the server writes when it runs with"
          + " authentication.",
      ""
    })
final class AuthCommand implements Callable<Integer> {
  @ParentCommand CliRoot parent;

  @Spec CommandSpec spec;

  @Option(
      names = "--list",
      description =
          "List the clients authorised for PROJECT: each key file's NAME (for --revoke), its"
              + " public key, and which one is this client. Changes nothing.")
  boolean list;

  @Option(
      names = "--revoke",
      paramLabel = "NAME",
      description =
          "Revoke a client: remove its key file from PROJECT/.tox-server/authorized_keys/. NAME"
              + " is the file's name as --list shows it (with or without .key), or a public key"
              + " (Z85, 40 characters: every file holding it goes). Nothing to remove is not an"
              + " error.")
  String revoke;

  @Option(names = "--help", usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Parameters(
      arity = "0..1",
      paramLabel = "PROJECT",
      description = "The project folder the server works in (default: the current directory).")
  Path project;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path dir = (project == null ? Path.of("") : project).toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw new UsageError(dir + " is not a directory.");
    }
    if (list && revoke != null) {
      throw new UsageError("--list and --revoke go one at a time.");
    }
    ClientKeys keys = ClientKeys.of(parent.env());
    try {
      int code;
      if (list) {
        code = list(out, dir, keys);
      } else if (revoke != null) {
        code = revoke(out, dir, revoke);
      } else {
        code = authorise(out, dir, keys);
      }
      out.flush();
      return code;
    } catch (KeyFileException e) {
      err.println(parent.name() + ": " + e.getMessage());
      return ExitCodes.of(e);
    } catch (IOException e) {
      err.println(parent.name() + ": cannot " + what() + " in " + dir + ": " + e);
      return ExitCodes.of(e);
    }
  }

  private String what() {
    return list
        ? "list the authorised clients"
        : revoke != null ? "revoke" : "authorise this client";
  }

  private int authorise(PrintWriter out, Path dir, ClientKeys keys)
      throws KeyFileException, IOException {
    boolean[] made = {false};
    KeyPair pair = keys.loadOrCreate(made);
    if (made[0]) {
      out.println(
          "Made this client's key pair: "
              + keys.publicFile()
              + " (public) and "
              + keys.secretFile()
              + " (secret, mode 0600).");
    } else {
      out.println("This client's key: " + keys.publicFile() + " (" + pair.publicZ85() + ").");
    }
    Path authorized = StateDir.open(dir).resolve(ProjectKeys.AUTHORIZED_DIR);
    Files.createDirectories(authorized);
    Path existing = null;
    for (Entry e : entries(authorized)) {
      if (e.key != null && Arrays.equals(e.key, pair.publicKey())) {
        existing = e.file;
        break;
      }
    }
    if (existing != null) {
      out.println(
          "Already authorised for "
              + dir
              + ": "
              + LogText.escaped(existing)
              + ". Nothing changed.");
    } else {
      Path file = freeFile(authorized, clientName(parent.env()), pair.publicKey());
      KeyFiles.writePublic(file, pair.publicKey());
      out.println(
          "Authorised this client for "
              + dir
              + ": wrote "
              + file
              + " ("
              + pair.publicZ85()
              + "). The server accepts it from the next connection on; no restart needed."
              + " Other clients' keys are kept: 'bridge auth --list' shows them.");
    }
    if (!Files.exists(ProjectKeys.serverPublicFile(dir))) {
      out.println(
          "Note: "
              + ProjectKeys.serverPublicFile(dir)
              + " does not exist yet. The server writes it when it starts with authentication"
              + " (on a non-loopback address, or with --auth); until then clients here connect"
              + " without authentication.");
    }
    return 0;
  }

  private int list(PrintWriter out, Path dir, ClientKeys keys) throws IOException {
    Path authorized = ProjectKeys.authorizedDir(dir);
    byte[] mine = null;
    if (keys.exist()) {
      try {
        mine = keys.load().publicKey();
      } catch (KeyFileException e) {
        // Listing does not need this client's key; 'bridge auth' explains a broken one.
      }
    }
    List<Entry> entries = Files.isDirectory(authorized) ? entries(authorized) : List.of();
    if (entries.isEmpty()) {
      out.println(
          "No client is authorised for "
              + dir
              + " ("
              + authorized
              + " holds no key). Run 'bridge auth' there to authorise this one.");
      return 0;
    }
    long good = entries.stream().filter(e -> e.key != null).count();
    out.println(
        "Clients authorised for "
            + dir
            + " ("
            + good
            + (good == 1 ? " key" : " keys")
            + " in "
            + authorized
            + "):");
    for (Entry e : entries) {
      String name = LogText.escaped(e.file.getFileName().toString());
      if (e.key == null) {
        out.println("  " + name + "  (not a key, ignored by the server: " + e.problem + ")");
      } else {
        boolean me = mine != null && Arrays.equals(mine, e.key);
        out.println(
            "  " + name + "  " + ZMQ.Curve.z85Encode(e.key) + (me ? "  (this client)" : ""));
      }
    }
    out.println("To revoke one: bridge auth --revoke NAME" + (project == null ? "" : " PROJECT"));
    return 0;
  }

  private int revoke(PrintWriter out, Path dir, String name) throws IOException {
    byte[] key = name.length() == ZMQ.Curve.KEY_SIZE_Z85 ? decode(name) : null;
    boolean fileName =
        !name.isEmpty()
            && !name.contains("/")
            && !name.contains("\\")
            && !name.startsWith(".")
            && !name.contains("\0");
    // A backslash: a name as --list shows it escaped (or a Windows path), matched to the listing.
    boolean listed = !name.isEmpty() && !name.contains("/") && !name.startsWith(".");
    if (key == null && !fileName && !listed) {
      throw new UsageError(
          "--revoke needs a NAME from 'bridge auth --list' (a file name in"
              + " .tox-server/authorized_keys/), or a public key; not "
              + LogText.escaped(name)
              + ".");
    }
    Path authorized = ProjectKeys.authorizedDir(dir);
    List<Path> gone = new ArrayList<>();
    if (Files.isDirectory(authorized)) {
      if (key != null) {
        for (Entry e : entries(authorized)) {
          if (e.key != null && Arrays.equals(e.key, key)) {
            gone.add(e.file);
          }
        }
      }
      if (gone.isEmpty() && fileName) {
        for (String candidate : List.of(name, name + ".key")) {
          Path file = authorized.resolve(candidate);
          if (!candidate.endsWith(KeyFiles.SECRET_SUFFIX)
              && Files.exists(file, LinkOption.NOFOLLOW_LINKS)
              && !Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
            gone.add(file);
            break;
          }
        }
      }
      if (gone.isEmpty() && listed) {
        // A name with control characters, as --list shows it escaped.
        for (Entry e : entries(authorized)) {
          String shown = LogText.escaped(e.file.getFileName().toString());
          if (shown.equals(name) || shown.equals(name + ".key")) {
            gone.add(e.file);
          }
        }
      }
    }
    if (gone.isEmpty()) {
      out.println(
          "No authorised client named "
              + LogText.escaped(name)
              + " in "
              + authorized
              + ": nothing to revoke ('bridge auth --list' shows the names).");
      return 0;
    }
    for (Path file : gone) {
      Files.deleteIfExists(file); // a link itself, never what it points at
      out.println(
          "Revoked "
              + LogText.escaped(file.getFileName().toString())
              + ": removed "
              + LogText.escaped(file)
              + ".");
    }
    out.println(
        "The server refuses that client from now on (its open connections included, and its runs"
            + " are cancelled); no restart needed.");
    return 0;
  }

  private static byte[] decode(String z85) {
    try {
      byte[] key = ZMQ.Curve.z85Decode(z85);
      return key != null && key.length == ZMQ.Curve.KEY_SIZE ? key : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** A file in {@code authorized_keys/}: its key, or why it has none. */
  private record Entry(Path file, byte[] key, String problem) {}

  /** The non-hidden files and links in {@code dir}, sorted, each read without following links. */
  private static List<Entry> entries(Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path f : stream) {
        if (f.getFileName().toString().startsWith(".")
            || Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        files.add(f);
      }
    }
    files.sort(null);
    List<Entry> out = new ArrayList<>();
    for (Path f : files) {
      if (f.getFileName().toString().endsWith(KeyFiles.SECRET_SUFFIX)) {
        out.add(new Entry(f, null, "a secret key file, which never belongs there"));
        continue;
      }
      try {
        out.add(new Entry(f, KeyFiles.readPublicNoFollow(f), null));
      } catch (KeyFileException e) {
        String why = e.getMessage();
        String shown = LogText.escaped(f);
        out.add(
            new Entry(
                f,
                null,
                why.startsWith(shown)
                    ? why.substring(shown.length()).replaceFirst("^[: ]+", "")
                    : why));
      }
    }
    return out;
  }

  /** {@code NAME-ID.key} in {@code dir} for {@code key}: ID from the key, longer if taken. */
  static Path freeFile(Path dir, String name, byte[] key) {
    String hex = HexFormat.of().formatHex(sha256(key));
    for (int len = 8; ; len += 8) {
      Path file = dir.resolve(name + "-" + hex.substring(0, Math.min(len, hex.length())) + ".key");
      if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS) || len >= hex.length()) {
        return file;
      }
    }
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code USER@HOST}, safe as a file name. */
  static String clientName(Map<String, String> env) {
    String user = env.getOrDefault("USER", System.getProperty("user.name", "user"));
    String host = env.get("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = Files.readString(Path.of("/etc/hostname"), StandardCharsets.UTF_8).trim();
      } catch (IOException e) {
        host = "localhost"; // not worth a DNS look-up
      }
    }
    return (user + "@" + host).replaceAll("[^A-Za-z0-9._@-]", "_");
  }
}
