package io.fleetlb.sim.fleet;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations as written in config files and flags: {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}. */
public final class Durations {

  private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");

  private Durations() {
  }

  /** Parses a duration; throws {@link IllegalArgumentException} with the accepted forms. */
  public static Duration parse(String text) {
    Matcher m = FORMAT.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("expected a duration such as 250ms, 5s, 2m or 1h, got '" + text + "'");
    }
    double v = Double.parseDouble(m.group(1));
    double millis = switch (m.group(2)) {
      case "ms" -> v;
      case "s" -> v * 1_000;
      case "m" -> v * 60_000;
      default -> v * 3_600_000;
    };
    return Duration.ofNanos(Math.round(millis * 1_000_000));
  }
}
