package dev.toxserver.protocol;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The ROUTER-side routing frames of a message (usually one: the peer's identity), without the empty
 * delimiter. Replies carry the request's route back, so the identity can never be lost.
 */
public final class Route {
  /** The route of a message that was not received through a ROUTER (a DEALER's own view). */
  public static final Route NONE = new Route(new byte[0][]);

  private final byte[][] frames;

  private Route(byte[][] frames) {
    this.frames = frames;
  }

  /** A route made of copies of these frames. */
  public static Route of(byte[]... frames) {
    byte[][] copy = new byte[frames.length][];
    for (int i = 0; i < frames.length; i++) {
      copy[i] = frames[i].clone();
    }
    return new Route(copy);
  }

  /** How many routing frames there are. */
  public int size() {
    return frames.length;
  }

  /** Routing frame {@code i} (not a copy: do not modify). */
  public byte[] frame(int i) {
    return frames[i];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Route r && Arrays.deepEquals(frames, r.frames);
  }

  @Override
  public int hashCode() {
    return Arrays.deepHashCode(frames);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (byte[] f : frames) {
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(HexFormat.of().formatHex(f));
    }
    return sb.toString();
  }
}
