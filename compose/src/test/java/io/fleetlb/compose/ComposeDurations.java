package io.fleetlb.compose;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Compose's duration strings ({@code 1m30s}, {@code 30m}, {@code 500ms}). */
final class ComposeDurations {
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|us|h|m|s)");

  private ComposeDurations() {}

  static Duration parse(String text) {
    Matcher m = PART.matcher(text);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        break;
      }
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "h" -> Duration.ofHours(n);
        case "m" -> Duration.ofMinutes(n);
        case "s" -> Duration.ofSeconds(n);
        case "ms" -> Duration.ofMillis(n);
        default -> Duration.ofNanos(n * 1000);
      });
      end = m.end();
    }
    if (end == 0 || end != text.length()) {
      throw new IllegalArgumentException("not a compose duration: " + text);
    }
    return total;
  }
}
