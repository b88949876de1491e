package io.fleetlb.bench.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Parses durations such as {@code 50ms}, {@code 1.5s}, {@code 200us}, {@code 2m}, {@code 1h} (a bare number is seconds) into nanoseconds. */
public final class Durations implements CommandLine.ITypeConverter<Long> {
  private static final Pattern P = Pattern.compile("([0-9]*\\.?[0-9]+)\\s*(ns|us|µs|ms|s|m|h)?");

  @Override
  public Long convert(String value) {
    return parseNanos(value);
  }

  public static long parseNanos(String value) {
    Matcher m = P.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (e.g. 50ms, 1.5s, 200us, 2m)");
    }
    double n = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    double scale;
    switch (unit) {
      case "ns": scale = 1; break;
      case "us": case "µs": scale = 1e3; break;
      case "ms": scale = 1e6; break;
      case "m": scale = 60e9; break;
      case "h": scale = 3600e9; break;
      default: scale = 1e9;
    }
    return Math.round(n * scale);
  }
}
