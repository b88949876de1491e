package io.fleetlb.lb.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A byte count written in the configuration as a plain integer or with a unit: {@code 16MiB},
 * {@code 512KiB}, {@code 8MB} (KiB/MiB/GiB are powers of 1024, KB/MB/GB of 1000).
 *
 * @param bytes the size in bytes
 */
public record DataSize(long bytes) {
  private static final Pattern FORMAT = Pattern.compile("(\\d+)\\s*(B|KB|KiB|MB|MiB|GB|GiB)?");

  /** A size of {@code n} KiB. */
  public static DataSize kib(long n) {
    return new DataSize(n * 1024L);
  }

  /** A size of {@code n} MiB. */
  public static DataSize mib(long n) {
    return new DataSize(n * 1024L * 1024L);
  }

  /**
   * Parses a size.
   *
   * @throws IllegalArgumentException with a message that shows the accepted forms
   */
  public static DataSize parse(String text) {
    Matcher m = FORMAT.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not a size (use bytes or a unit: 512KiB, 16MiB, 8MB)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "B" : m.group(2);
    long factor = switch (unit) {
      case "KB" -> 1000L;
      case "KiB" -> 1024L;
      case "MB" -> 1000L * 1000L;
      case "MiB" -> 1024L * 1024L;
      case "GB" -> 1000L * 1000L * 1000L;
      case "GiB" -> 1024L * 1024L * 1024L;
      default -> 1L;
    };
    return new DataSize(Math.multiplyExact(n, factor));
  }

  /** The size as an int, for APIs that take one; sizes over 2 GiB are rejected by validation. */
  public int intBytes() {
    return Math.toIntExact(bytes);
  }

  @Override
  public String toString() {
    if (bytes != 0 && bytes % (1024L * 1024L) == 0) {
      return bytes / (1024L * 1024L) + "MiB";
    }
    if (bytes != 0 && bytes % 1024L == 0) {
      return bytes / 1024L + "KiB";
    }
    return bytes + "B";
  }
}
