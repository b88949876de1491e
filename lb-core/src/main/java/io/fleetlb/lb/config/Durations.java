package io.fleetlb.lb.config;

import java.time.Duration;

/**
 * Parses and prints configuration durations ({@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}) in
 * the one grammar every fleetlb config file and command line shares ({@link io.fleetlb.units.Durations}).
 */
public final class Durations {
  private Durations() {}

  /**
   * Parses a duration.
   *
   * @throws IllegalArgumentException with a message that shows the accepted forms
   */
  public static Duration parse(String text) {
    return io.fleetlb.units.Durations.parse(text);
  }

  /** Prints a duration in the largest unit that keeps it whole, e.g. {@code 1500ms}, {@code 30s}. */
  public static String format(Duration d) {
    return io.fleetlb.units.Durations.format(d);
  }
}
