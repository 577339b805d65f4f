package dev.toxserver.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The escaping behind every log line that quotes what others control. */
class LogTextTest {
  @Test
  void controlCharactersLineSeparatorsAndBidiOverridesAreShownNotWritten() {
    assertThat(LogText.excerpt("a\nb\r\tc\u001b[31md\u0085e\u2028f\u202eg\\h\u007f"))
        .isEqualTo("a\\nb\\r\\tc\\x1b[31md\\x85e\\u2028f\\u202eg\\\\h\\x7f");
    assertThat(LogText.excerpt("plain text, ünïcödé 🙂")).isEqualTo("plain text, ünïcödé 🙂");
  }

  @Test
  void longTextIsCutAndSaysHowLongItWasNeverHalfACharacter() {
    assertThat(LogText.excerpt("x".repeat(1000))).isEqualTo("x".repeat(200) + "… (1000 chars)");
    String emoji = "x".repeat(199) + "🙂🙂";
    assertThat(LogText.excerpt(emoji)).isEqualTo("x".repeat(199) + "… (203 chars)");
  }

  @Test
  void aFileNameIsEscapedWholeSoThatItCannotStartALogLine() {
    assertThat(LogText.escaped("x.key\nINFO: Accepted \u202efoo\u200b"))
        .isEqualTo("x.key\\nINFO: Accepted \\u202efoo\\u200b");
  }
}
