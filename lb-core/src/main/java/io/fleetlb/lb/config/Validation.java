package io.fleetlb.lb.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Checks configuration values and reports the first bad one as a {@link ConfigException} that
 * names the source, the full field path and the value.
 *
 * <p>A validation is positioned at a path ({@code timeouts}, {@code replicas[1]}); {@link #at}
 * descends into a nested field, so section records validate themselves without knowing where
 * they sit in the document.
 */
public final class Validation {
  private final String source;
  private final String path;

  private Validation(String source, String path) {
    this.source = source;
    this.path = path;
  }

  /** A validation at the root of the document read from {@code source}. */
  public static Validation root(String source) {
    return new Validation(Objects.requireNonNull(source, "source"), "");
  }

  /** A validation positioned at the named child field. */
  public Validation at(String field) {
    return new Validation(source, join(path, field));
  }

  /** A validation positioned at element {@code index} of the list at this path. */
  public Validation index(int index) {
    return new Validation(source, path + "[" + index + "]");
  }

  /** The path this validation is positioned at. */
  public String path() {
    return path;
  }

  /** The source (file name) being validated. */
  public String source() {
    return source;
  }

  /**
   * Fails unless {@code ok}.
   *
   * @param ok the condition that must hold
   * @param field the child field the condition is about
   * @param value the value found there (shown in the message)
   * @param problem what the value must be, e.g. {@code "must be greater than 0"}
   */
  public void check(boolean ok, String field, Object value, String problem) {
    if (!ok) {
      throw error(field, value, problem);
    }
  }

  /** Fails unless the duration is strictly positive. */
  public void positive(Duration value, String field) {
    check(value != null && !value.isNegative() && !value.isZero(), field, value,
        "must be greater than 0");
  }

  /** Fails unless {@code min <= value <= max}. */
  public void range(long value, long min, long max, String field) {
    check(value >= min && value <= max, field, value,
        "must be between " + min + " and " + max);
  }

  /** The exception for a bad value at the named child field. */
  public ConfigException error(String field, Object value, String problem) {
    return new ConfigException(source, join(path, field), problem + " (got " + show(value) + ")");
  }

  private static String join(String path, String field) {
    if (field == null || field.isEmpty()) {
      return path;
    }
    return path.isEmpty() ? field : path + "." + field;
  }

  static String show(Object value) {
    if (value instanceof Duration) {
      return Durations.format((Duration) value);
    }
    if (value instanceof CharSequence) {
      return "\"" + value + "\"";
    }
    return String.valueOf(value);
  }
}
