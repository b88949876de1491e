package io.fleetlb.bench.cli;

import java.util.Locale;
import picocli.CommandLine;

/** Parses a number that may be {@code inf} (as vLLM's flags accept). */
public final class Rates implements CommandLine.ITypeConverter<Double> {
  @Override
  public Double convert(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("inf") || v.equals("infinity") || v.equals("+inf")) {
      return Double.POSITIVE_INFINITY;
    }
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new CommandLine.TypeConversionException("'" + value + "' is not a number or inf");
    }
  }
}
