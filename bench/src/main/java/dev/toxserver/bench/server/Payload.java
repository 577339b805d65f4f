package dev.toxserver.bench.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.SplittableRandom;

/** The file the server's {@code cat} streams, and the digest every client must end up with. */
record Payload(Path file, long size, byte[] sha256) {
  static Payload write(Path file, long size) throws IOException {
    MessageDigest sha = HashingListener.sha256();
    SplittableRandom random = new SplittableRandom(0x70c5e7e7L);
    byte[] block = new byte[1 << 20];
    try (FileChannel out =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (long left = size; left > 0; left -= block.length) {
        random.nextBytes(block);
        int n = (int) Math.min(block.length, left);
        ByteBuffer buf = ByteBuffer.wrap(block, 0, n);
        while (buf.hasRemaining()) {
          out.write(buf);
        }
        sha.update(block, 0, n);
      }
      // On disk before anything is timed, so that write-back does not compete with the runs.
      out.force(true);
    }
    return new Payload(file, size, sha.digest());
  }

  boolean matches(HashingListener got) {
    return got.bytes() == size
        && got.stderrBytes() == 0
        && MessageDigest.isEqual(got.digest(), sha256);
  }
}
