package io.fleetlb.bench.cli;

import io.fleetlb.units.Durations;
import picocli.CommandLine;

/**
 * Reads a duration flag ({@code 50ms}, {@code 1.5s}, {@code 60us}) in nanoseconds, in the grammar
 * of {@link Durations}.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Long> {
  @Override
  public Long convert(String value) {
    try {
      return Durations.parseNanos(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }
}
