package io.fleetlb.lb.log;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One logfmt line built as UTF-8 bytes in a reused array: no String, StringBuilder or encoder per
 * line. Client-controlled text (paths, request ids, model names) is quoted and escaped so it can
 * never forge a field or a line, and is cut to {@value #MAX} characters.
 *
 * <p>Not thread-safe: each thread builds its own lines.
 */
public final class LogfmtLine {
  /** Values longer than this many characters are cut and end in {@code ...}. */
  static final int MAX = 256;
  /**
   * The most bytes one value can take: every character escaped as {@code \xNN} (4 bytes; a
   * character outside ASCII takes at most 3, a surrogate pair 4 for two), the quotes and the cut
   * mark.
   */
  static final int MAX_VALUE_BYTES = 2 + 4 * MAX + 3;

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CUT = {'.', '.', '.'};

  private byte[] bytes;
  private int length;

  /** A line whose array starts with {@code capacity} bytes (it grows when needed). */
  public LogfmtLine(int capacity) {
    bytes = new byte[Math.max(capacity, 64)];
  }

  /** Empties the line, keeping its array. */
  public void reset() {
    length = 0;
  }

  /** The bytes written so far: {@code [0, length())} of {@link #array()}. */
  public int length() {
    return length;
  }

  /** The array the line is built in (valid up to {@link #length()}; replaced when it grows). */
  byte[] array() {
    return bytes;
  }

  /** Appends {@code " key=value"}, quoting and escaping the value when needed. */
  public LogfmtLine pair(String key, String value) {
    ensure(key.length() + 2);
    bytes[length++] = ' ';
    ascii(key);
    bytes[length++] = '=';
    return value(value);
  }

  /** Appends bytes as they are (pre-encoded ASCII such as {@code " status="}). */
  public LogfmtLine raw(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, bytes, length, b.length);
    length += b.length;
    return this;
  }

  /** Appends one byte as it is. */
  public LogfmtLine raw(char c) {
    ensure(1);
    bytes[length++] = (byte) c;
    return this;
  }

  /** Appends text known to be printable ASCII (keys, labels) as it is. */
  public LogfmtLine ascii(String s) {
    int n = s.length();
    ensure(n);
    byte[] b = bytes;
    int p = length;
    for (int i = 0; i < n; i++) {
      b[p++] = (byte) s.charAt(i);
    }
    length = p;
    return this;
  }

  /** Appends a decimal integer. */
  public LogfmtLine number(long v) {
    if (v < 0) {
      if (v == Long.MIN_VALUE) {
        return ascii(Long.toString(v));
      }
      raw('-');
      v = -v;
    }
    int digits = 1;
    for (long t = v; t >= 10; t /= 10) {
      digits++;
    }
    ensure(digits);
    byte[] b = bytes;
    int p = length + digits;
    length = p;
    do {
      b[--p] = (byte) ('0' + v % 10);
      v /= 10;
    } while (v != 0);
    return this;
  }

  /** Appends microseconds as milliseconds with three decimals ({@code 812.301}). */
  public LogfmtLine millis(long micros) {
    if (micros == Long.MIN_VALUE) {
      return ascii("-9223372036854775.808");
    }
    if (micros < 0) {
      raw('-');
      micros = -micros;
    }
    number(micros / 1000);
    ensure(4);
    long frac = micros % 1000;
    byte[] b = bytes;
    b[length] = '.';
    b[length + 1] = (byte) ('0' + frac / 100);
    b[length + 2] = (byte) ('0' + frac / 10 % 10);
    b[length + 3] = (byte) ('0' + frac % 10);
    length += 4;
    return this;
  }

  /**
   * Appends one value, {@code -} for null or empty. A value of printable ASCII without {@code "},
   * {@code =} or {@code \} goes as it is; any other is quoted, with {@code "} and {@code \}
   * backslash-escaped, control characters written as {@code \xNN} and the rest as UTF-8 (a lone
   * surrogate as {@code ?}, as {@link String#getBytes} writes it).
   */
  public LogfmtLine value(String v) {
    if (v == null || v.isEmpty()) {
      return raw('-');
    }
    int n = Math.min(v.length(), MAX);
    ensure(MAX_VALUE_BYTES);
    byte[] b = bytes;
    int p = length;
    int i = 0;
    for (; i < n; i++) {
      char c = v.charAt(i);
      if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c >= 0x7f) {
        break;
      }
      b[p++] = (byte) c;
    }
    if (i == n) {
      length = p;
      if (v.length() > MAX) {
        raw(CUT);
      }
      return this;
    }
    p = length;
    b[p++] = '"';
    for (i = 0; i < n; i++) {
      char c = v.charAt(i);
      if (c == '"' || c == '\\') {
        b[p++] = '\\';
        b[p++] = (byte) c;
      } else if (c < ' ' || c == 0x7f) {
        b[p++] = '\\';
        b[p++] = 'x';
        b[p++] = HEX[c >> 4];
        b[p++] = HEX[c & 0xf];
      } else if (c < 0x80) {
        b[p++] = (byte) c;
      } else if (c < 0x800) {
        b[p++] = (byte) (0xc0 | c >> 6);
        b[p++] = (byte) (0x80 | c & 0x3f);
      } else if (!Character.isSurrogate(c)) {
        b[p++] = (byte) (0xe0 | c >> 12);
        b[p++] = (byte) (0x80 | c >> 6 & 0x3f);
        b[p++] = (byte) (0x80 | c & 0x3f);
      } else if (Character.isHighSurrogate(c) && i + 1 < n
          && Character.isLowSurrogate(v.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, v.charAt(++i));
        b[p++] = (byte) (0xf0 | cp >> 18);
        b[p++] = (byte) (0x80 | cp >> 12 & 0x3f);
        b[p++] = (byte) (0x80 | cp >> 6 & 0x3f);
        b[p++] = (byte) (0x80 | cp & 0x3f);
      } else {
        b[p++] = '?';
      }
    }
    if (v.length() > MAX) {
      b[p++] = '.';
      b[p++] = '.';
      b[p++] = '.';
    }
    b[p++] = '"';
    length = p;
    return this;
  }

  /** The line decoded as UTF-8 (tests and diagnostics). */
  @Override
  public String toString() {
    return new String(bytes, 0, length, StandardCharsets.UTF_8);
  }

  private void ensure(int more) {
    if (length + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
    }
  }
}
