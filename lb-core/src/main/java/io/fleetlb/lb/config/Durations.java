package io.fleetlb.lb.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints configuration durations written as {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}. */
public final class Durations {
  private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

  private Durations() {}

  /**
   * Parses a duration.
   *
   * @throws IllegalArgumentException with a message that shows the accepted forms
   */
  public static Duration parse(String text) {
    Matcher m = FORMAT.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not a duration (use a number and a unit: 250ms, 5s, 2m, 1h)");
    }
    BigDecimal amount = new BigDecimal(m.group(1));
    long nanosPerUnit = switch (m.group(2)) {
      case "ms" -> 1_000_000L;
      case "s" -> 1_000_000_000L;
      case "m" -> 60_000_000_000L;
      default -> 3_600_000_000_000L;
    };
    return Duration.ofNanos(amount.multiply(BigDecimal.valueOf(nanosPerUnit)).longValueExact());
  }

  /** Prints a duration in the largest unit that keeps it whole, e.g. {@code 1500ms}, {@code 30s}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (d.toNanos() % 1_000_000L != 0) {
      return d.toNanos() + "ns";
    }
    if (ms != 0 && ms % 3_600_000L == 0) {
      return ms / 3_600_000L + "h";
    }
    if (ms != 0 && ms % 60_000L == 0) {
      return ms / 60_000L + "m";
    }
    if (ms % 1000L == 0) {
      return ms / 1000L + "s";
    }
    return ms + "ms";
  }
}
