package dev.toxserver.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Base85Test {
  /** Outputs of Python's base64.b85encode, the encoding protocol v1 clients decode with. */
  @Test
  void matchesPythonB85encode() {
    assertThat(Base85.encode(new byte[0])).isEmpty();
    assertThat(Base85.encode(ascii("h"))).isEqualTo("Xa");
    assertThat(Base85.encode(ascii("he"))).isEqualTo("Xk`");
    assertThat(Base85.encode(ascii("hel"))).isEqualTo("Xk}~");
    assertThat(Base85.encode(ascii("hell"))).isEqualTo("Xk~0{");
    assertThat(Base85.encode(ascii("hello"))).isEqualTo("Xk~0{Zv");
    assertThat(Base85.encode(new byte[] {-1, -1, -1, -1})).isEqualTo("|NsC0");
    assertThat(Base85.encode(new byte[5])).isEqualTo("0000000");
    byte[] all = new byte[256];
    for (int i = 0; i < 256; i++) {
      all[i] = (byte) i;
    }
    assertThat(Base85.encode(all))
        .startsWith("009C61O)~M2nh-c3=Iws5D^j+6crX17#SKH9337XAR!_nBqb&%C@Cr{");
    assertThat(Base85.encode(all)).endsWith("Njxq<mKk)=;`X~?CtLF@bU8V^!4`l`1$(#{Qds_");
  }

  @Test
  void roundTripsEveryLengthAndByteValue() {
    Random random = new Random(42);
    for (int n = 0; n < 300; n++) {
      byte[] data = new byte[n];
      random.nextBytes(data);
      String text = Base85.encode(data);
      assertThat(text).hasSize(Base85.encodedLength(n));
      assertThat(Base85.decode(text)).isEqualTo(data);
    }
  }

  @Test
  void encodesIntoTheMiddleOfABuffer() {
    byte[] data = ascii("xxhelloxx");
    byte[] out = new byte[20];
    int n = Base85.encode(data, 2, 5, out, 3);
    assertThat(new String(out, 3, n, StandardCharsets.US_ASCII)).isEqualTo("Xk~0{Zv");
  }

  @Test
  void rejectsTextThatIsNotBase85() {
    assertThatThrownBy(() -> Base85.decode("Xk~0{Z\""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Base85.decode("X")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Base85.decode("~~~~~")).hasMessageContaining("overflow");
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
