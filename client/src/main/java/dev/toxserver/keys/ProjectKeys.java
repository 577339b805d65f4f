package dev.toxserver.keys;

import java.nio.file.Path;

/**
 * Where a project's key files are, in its {@link StateDir}: what the server writes and every client
 * reads ({@code server.key}), and the folder of the client keys the server accepts, which {@code
 * bridge auth} writes to.
 */
public final class ProjectKeys {
  /** The server's public key's file name in the state folder; its secret is beside it. */
  public static final String PUBLIC_FILE = "server.key";

  /** The folder of authorised client keys in the state folder. */
  public static final String AUTHORIZED_DIR = "authorized_keys";

  private ProjectKeys() {}

  /** Where the public key of the server working in {@code workdir} is. */
  public static Path serverPublicFile(Path workdir) {
    return StateDir.of(workdir).resolve(PUBLIC_FILE);
  }

  /** Where the keys the server working in {@code workdir} accepts are. */
  public static Path authorizedDir(Path workdir) {
    return StateDir.of(workdir).resolve(AUTHORIZED_DIR);
  }
}
