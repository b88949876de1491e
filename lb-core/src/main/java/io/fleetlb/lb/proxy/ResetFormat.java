package io.fleetlb.lb.proxy;

/**
 * Durations as OpenAI writes them in {@code x-ratelimit-reset-*} and its rate-limit messages
 * (Go's notation): {@code 0s}, {@code 17ms}, {@code 1.5s}, {@code 6m0s}.
 */
final class ResetFormat {
  private ResetFormat() {}

  static String format(long nanos) {
    if (nanos <= 0) {
      return "0s";
    }
    long ms = (nanos + 999_999L) / 1_000_000L;
    if (ms < 1000) {
      return ms + "ms";
    }
    if (ms < 60_000) {
      return seconds(ms) + "s";
    }
    long minutes = ms / 60_000;
    return minutes + "m" + seconds(ms % 60_000) + "s";
  }

  /** Seconds with up to three decimals, trailing zeros dropped. */
  private static String seconds(long ms) {
    String s = Long.toString(ms / 1000);
    long frac = ms % 1000;
    if (frac == 0) {
      return s;
    }
    String f = String.format("%03d", frac);
    while (f.endsWith("0")) {
      f = f.substring(0, f.length() - 1);
    }
    return s + "." + f;
  }
}
