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
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code bridge auth [PROJECT]}: authorise this user's client key with the server of a project, by
 * writing it into the project's {@code .tox-server/authorized_keys/}. That works because the
 * project folder is shared with the container: whoever can write the project may run its tests.
 */
@Command(
    name = "auth",
    sortOptions = false,
    description = {
      "Authorise this client with the tox-server of PROJECT (default: the current directory):"
          + " make this user's key pair if there is none yet (${XDG_CONFIG_HOME:-~/.config}/"
          + "tox-server/client.key and client.key_secret, mode 0600), then write its public key to"
          + " PROJECT/.tox-server/authorized_keys/USER@HOST.key. The server reads that folder at"
          + " each connection: no restart needed. Running it again changes nothing.",
      "Clients in PROJECT then connect with authentication (CURVE) whenever"
          + " PROJECT/.tox-server/server.key exists, which the server writes when it runs with"
          + " authentication.",
      ""
    })
final class AuthCommand implements Callable<Integer> {
  @ParentCommand CliRoot parent;

  @Spec CommandSpec spec;

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
    ClientKeys keys = ClientKeys.of(parent.env());
    try {
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
      Path existing = fileWithKey(authorized, pair.publicKey());
      if (existing != null) {
        out.println("Already authorised for " + dir + ": " + existing + ". Nothing changed.");
      } else {
        Path file = authorized.resolve(clientName(parent.env()) + ".key");
        boolean replacing = Files.exists(file);
        KeyFiles.writePublic(file, pair.publicKey());
        out.println(
            (replacing ? "Replaced the older key in " : "Authorised this client for ")
                + dir
                + ": wrote "
                + file
                + " ("
                + pair.publicZ85()
                + "). The server accepts it from the next connection on; no restart needed.");
      }
      if (!Files.exists(ProjectKeys.serverPublicFile(dir))) {
        out.println(
            "Note: "
                + ProjectKeys.serverPublicFile(dir)
                + " does not exist yet. The server writes it when it starts with authentication"
                + " (on a non-loopback address, or with --auth); until then clients here connect"
                + " without authentication.");
      }
      out.flush();
      return 0;
    } catch (KeyFileException e) {
      err.println(parent.name() + ": " + e.getMessage());
      return ExitCodes.of(e);
    } catch (IOException e) {
      err.println(parent.name() + ": cannot authorise this client in " + dir + ": " + e);
      return ExitCodes.of(e);
    }
  }

  /** The file in {@code dir} that already holds {@code key}, or null. */
  private static Path fileWithKey(Path dir, byte[] key) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        if (f.getFileName().toString().startsWith(".") || !Files.isRegularFile(f)) {
          continue;
        }
        try {
          if (Arrays.equals(KeyFiles.readPublic(f), key)) {
            return f;
          }
        } catch (KeyFileException e) {
          // Not ours; the server reports bad files.
        }
      }
    }
    return null;
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
