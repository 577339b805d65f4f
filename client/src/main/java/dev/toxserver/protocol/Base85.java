package dev.toxserver.protocol;

import java.util.Arrays;

/**
 * RFC 1924 base85, byte-for-byte the same as Python's {@code base64.b85encode}/{@code b85decode}:
 * big-endian 4-byte groups become 5 characters; a short last group is zero-padded and the padding's
 * characters are dropped.
 */
public final class Base85 {
  private static final byte[] ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~"
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private static final int[] DIGIT = new int[128];

  static {
    Arrays.fill(DIGIT, -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      DIGIT[ALPHABET[i]] = i;
    }
  }

  private Base85() {}

  /** The encoded length of {@code n} bytes. */
  public static int encodedLength(int n) {
    return n / 4 * 5 + (n % 4 == 0 ? 0 : n % 4 + 1);
  }

  /**
   * Encodes {@code data[off..off+len)} into {@code out} at {@code outOff}; returns chars written.
   */
  public static int encode(byte[] data, int off, int len, byte[] out, int outOff) {
    int o = outOff;
    int end = off + len;
    int i = off;
    for (; i + 4 <= end; i += 4) {
      long v =
          ((data[i] & 0xFFL) << 24)
              | ((data[i + 1] & 0xFFL) << 16)
              | ((data[i + 2] & 0xFFL) << 8)
              | (data[i + 3] & 0xFFL);
      o = put5(v, out, o, 5);
    }
    int rest = end - i;
    if (rest > 0) {
      long v = 0;
      for (int k = 0; k < 4; k++) {
        v = (v << 8) | (k < rest ? data[i + k] & 0xFFL : 0);
      }
      o = put5(v, out, o, rest + 1);
    }
    return o - outOff;
  }

  private static int put5(long v, byte[] out, int o, int keep) {
    int d4 = (int) (v % 85);
    v /= 85;
    int d3 = (int) (v % 85);
    v /= 85;
    int d2 = (int) (v % 85);
    v /= 85;
    int d1 = (int) (v % 85);
    int d0 = (int) (v / 85);
    out[o++] = ALPHABET[d0];
    if (keep > 1) out[o++] = ALPHABET[d1];
    if (keep > 2) out[o++] = ALPHABET[d2];
    if (keep > 3) out[o++] = ALPHABET[d3];
    if (keep > 4) out[o++] = ALPHABET[d4];
    return o;
  }

  /** Encodes all of {@code data} as a string. */
  public static String encode(byte[] data) {
    byte[] out = new byte[encodedLength(data.length)];
    encode(data, 0, data.length, out, 0);
    return new String(out, java.nio.charset.StandardCharsets.US_ASCII);
  }

  /**
   * Decodes base85 text.
   *
   * @throws IllegalArgumentException on a character outside the alphabet or a group that overflows
   */
  public static byte[] decode(CharSequence text) {
    int n = text.length();
    if (n % 5 == 1) {
      throw new IllegalArgumentException("base85 text of length " + n + " cannot be decoded");
    }
    int full = n / 5;
    int rest = n % 5;
    byte[] out = new byte[full * 4 + (rest == 0 ? 0 : rest - 1)];
    int o = 0;
    for (int g = 0; g <= full; g++) {
      int start = g * 5;
      int count = Math.min(5, n - start);
      if (count <= 0) {
        break;
      }
      long v = 0;
      for (int k = 0; k < 5; k++) {
        int d = k < count ? digit(text.charAt(start + k), start + k) : 84;
        v = v * 85 + d;
      }
      if (v > 0xFFFFFFFFL) {
        throw new IllegalArgumentException("base85 overflow in group at position " + start);
      }
      int bytes = count == 5 ? 4 : count - 1;
      for (int k = 0; k < bytes; k++) {
        out[o++] = (byte) (v >>> (24 - 8 * k));
      }
    }
    return out;
  }

  private static int digit(char c, int pos) {
    int d = c < 128 ? DIGIT[c] : -1;
    if (d < 0) {
      throw new IllegalArgumentException("bad base85 character at position " + pos);
    }
    return d;
  }
}
