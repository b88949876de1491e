package io.fleetlb.units;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The duration grammar of every fleetlb command line and config file: a decimal number directly
 * followed by a unit, {@code ns}, {@code us} (or {@code µs}), {@code ms}, {@code s}, {@code m} or
 * {@code h} ({@code 250ms}, {@code 1.5s}, {@code 60us}, {@code 2m}). A unit is always required,
 * also for zero ({@code 0s}), so that {@code 5} never means five seconds in one place and five
 * milliseconds in another. Surrounding whitespace is ignored; none may separate number and unit.
 */
public final class Durations {
  /** The accepted forms, as error messages show them (ns and us are accepted too). */
  public static final String FORMS = "250ms, 5s, 2m, 1h";

  private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");
  private static final Pattern BARE_NUMBER = Pattern.compile("\\d+(?:\\.\\d+)?");

  private Durations() {}

  /**
   * Parses a duration, rounded to the nearest nanosecond.
   *
   * @throws IllegalArgumentException naming the text and the accepted forms
   */
  public static Duration parse(String text) {
    String t = text == null ? "" : text.trim();
    Matcher m = FORMAT.matcher(t);
    if (!m.matches()) {
      String hint =
          BARE_NUMBER.matcher(t).matches()
              ? "; a bare number has no unit: write " + t + "s or " + t + "ms"
              : "";
      throw new IllegalArgumentException(
          "\"" + text + "\" is not a duration (use a number and a unit: " + FORMS + hint + ")");
    }
    long nanosPerUnit =
        switch (m.group(2)) {
          case "ns" -> 1L;
          case "us", "µs" -> 1_000L;
          case "ms" -> 1_000_000L;
          case "s" -> 1_000_000_000L;
          case "m" -> 60_000_000_000L;
          default -> 3_600_000_000_000L;
        };
    BigDecimal nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(nanosPerUnit));
    try {
      return Duration.ofNanos(nanos.setScale(0, RoundingMode.HALF_UP).longValueExact());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("\"" + text + "\" is too long a duration");
    }
  }

  /** {@link #parse} in nanoseconds. */
  public static long parseNanos(String text) {
    return parse(text).toNanos();
  }

  /**
   * Prints a duration in the largest unit that keeps it whole, e.g. {@code 1500ms}, {@code 30s},
   * {@code 60us}.
   */
  public static String format(Duration d) {
    long ns = d.toNanos();
    if (ns % 1_000_000L != 0) {
      return ns % 1_000L == 0 ? ns / 1_000L + "us" : ns + "ns";
    }
    long ms = ns / 1_000_000L;
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
