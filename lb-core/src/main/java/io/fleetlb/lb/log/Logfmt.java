package io.fleetlb.lb.log;

/**
 * Writes logfmt values safely: client-controlled text (paths, request ids, model names) is
 * quoted and escaped so it can never forge a field or a line, and is cut to a bounded length.
 */
public final class Logfmt {
  private static final int MAX = 256;

  private Logfmt() {}

  /** Appends {@code " key=value"}, quoting and escaping the value when needed. */
  public static void pair(StringBuilder b, String key, String value) {
    b.append(' ').append(key).append('=');
    value(b, value);
  }

  /** Appends one value, {@code -} for null or empty. */
  public static void value(StringBuilder b, String value) {
    if (value == null || value.isEmpty()) {
      b.append('-');
      return;
    }
    boolean quote = false;
    int n = Math.min(value.length(), MAX);
    for (int i = 0; i < n && !quote; i++) {
      char c = value.charAt(i);
      quote = c <= ' ' || c == '"' || c == '=' || c == '\\' || c >= 0x7f;
    }
    if (!quote) {
      b.append(value, 0, n);
      if (value.length() > MAX) {
        b.append("...");
      }
      return;
    }
    b.append('"');
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < ' ' || c == 0x7f) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    if (value.length() > MAX) {
      b.append("...");
    }
    b.append('"');
  }

  /** Appends microseconds as milliseconds with three decimals. */
  static void millis(StringBuilder b, long micros) {
    b.append(micros / 1000).append('.');
    long frac = micros % 1000;
    if (frac < 100) {
      b.append('0');
    }
    if (frac < 10) {
      b.append('0');
    }
    b.append(frac);
  }
}
