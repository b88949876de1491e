package io.fleetlb.lb.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogfmtLineTest {
  /**
   * The escaping rules written the obvious way, over a StringBuilder and String#getBytes: the byte
   * writer must produce exactly these bytes.
   */
  private static byte[] reference(String value) {
    StringBuilder b = new StringBuilder();
    if (value == null || value.isEmpty()) {
      return "-".getBytes(StandardCharsets.UTF_8);
    }
    int n = Math.min(value.length(), LogfmtLine.MAX);
    boolean quote = false;
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      quote |= c <= ' ' || c == '"' || c == '=' || c == '\\' || c >= 0x7f;
    }
    if (quote) {
      b.append('"');
    }
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (quote && (c == '"' || c == '\\')) {
        b.append('\\').append(c);
      } else if (quote && (c < ' ' || c == 0x7f)) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    if (value.length() > LogfmtLine.MAX) {
      b.append("...");
    }
    if (quote) {
      b.append('"');
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] written(String value) {
    LogfmtLine line = new LogfmtLine(8);
    line.value(value);
    return Arrays.copyOf(line.array(), line.length());
  }

  @Test
  void valuesAreWrittenExactlyAsTheReferenceEscapesThem() {
    String[] fixed = {null, "", "-", "plain", "a b", "a=b", "say \"hi\"", "back\\slash", "tab\there",
        "line\nbreak", "cr\rlf", "\u0000", "\u007f", "\u0080", "modèle é", "中文模型", "😀 emoji",
        "\ud83d", "x\udc00y", "\ud83d\ud83d\ude00", "a".repeat(256), "a".repeat(257),
        "é".repeat(300), "\u0001".repeat(300), "😀".repeat(200), "a".repeat(255) + "😀"};
    for (String v : fixed) {
      assertThat(written(v)).as("value %s", v).isEqualTo(reference(v));
    }
    SplittableRandom r = new SplittableRandom(11);
    char[] pool = {'a', 'Z', '0', '/', '-', '.', ' ', '=', '"', '\\', '\n', '\u0000', '\u001f',
        '\u007f', '\u0080', '\u00e9', '\u07ff', '\u0800', '\u4e2d', '\uffff', '\ud83d', '\ude00'};
    for (int i = 0; i < 20_000; i++) {
      int len = r.nextInt(0, i % 50 == 0 ? 400 : 24);
      char[] c = new char[len];
      for (int j = 0; j < len; j++) {
        // Mostly plain ASCII, as real values are, so that both paths are exercised.
        c[j] = r.nextInt(4) == 0 ? pool[r.nextInt(pool.length)] : (char) r.nextInt('a', 'z' + 1);
      }
      String v = new String(c);
      assertThat(written(v)).as("value %s", v).isEqualTo(reference(v));
    }
  }

  @Test
  void theWorstValueFitsItsBoundAndTheArrayGrowsForIt() {
    LogfmtLine line = new LogfmtLine(8);
    line.value("\u0001".repeat(1000));
    assertThat(line.length()).isEqualTo(LogfmtLine.MAX_VALUE_BYTES);
    line.pair("k", "😀".repeat(1000)).pair("j", "中".repeat(1000));
    assertThat(line.toString()).endsWith("...\"").doesNotContain("\n");
  }

  @Test
  void numbersAndMillisecondsAreDecimal() {
    long[] numbers = {0, 1, 9, 10, 99, 100, 5321, 1_000_000_007L, Long.MAX_VALUE, -1, -42,
        Long.MIN_VALUE};
    for (long n : numbers) {
      LogfmtLine line = new LogfmtLine(8);
      assertThat(line.number(n).toString()).isEqualTo(Long.toString(n));
    }
    assertThat(new LogfmtLine(8).millis(812_301).toString()).isEqualTo("812.301");
    assertThat(new LogfmtLine(8).millis(41_250).toString()).isEqualTo("41.250");
    assertThat(new LogfmtLine(8).millis(7).toString()).isEqualTo("0.007");
    assertThat(new LogfmtLine(8).millis(0).toString()).isEqualTo("0.000");
    assertThat(new LogfmtLine(8).millis(1_000_000).toString()).isEqualTo("1000.000");
    assertThat(new LogfmtLine(8).millis(-1_500).toString()).isEqualTo("-1.500");
    assertThat(new LogfmtLine(8).millis(Long.MIN_VALUE).toString())
        .isEqualTo("-9223372036854775.808");
    assertThat(new LogfmtLine(8).millis(Long.MAX_VALUE).toString())
        .isEqualTo("9223372036854775.807");
  }

  @Test
  void pairsSeparateKeyAndValue() {
    LogfmtLine line = new LogfmtLine(8);
    line.ascii("time=x").pair("path", "/v1/models").pair("model", null).pair("q", "a b");
    assertThat(line.toString()).isEqualTo("time=x path=/v1/models model=- q=\"a b\"");
    line.reset();
    assertThat(line.length()).isZero();
    assertThat(line.toString()).isEmpty();
  }
}
