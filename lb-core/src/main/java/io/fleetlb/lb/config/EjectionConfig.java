package io.fleetlb.lb.config;

import java.time.Duration;

/**
 * Passive ejection ({@code ejection:}): a replica that fails {@code consecutive_failures} times
 * in a row (connect errors, resets, timeouts, 5xx; never 4xx or client cancels) stops receiving
 * requests for {@code base_time} times the number of times it has been ejected, capped at
 * {@code max_time}; it comes back after that only when a {@code /health} probe passes.
 *
 * @param consecutiveFailures failures in a row that eject, default 5; 0 disables ejection
 * @param baseTime first ejection time, default 30s
 * @param maxTime cap on the growing ejection time, default 300s
 * @param maxEjectedPercent at most this share of a model's replicas (at least one) is ejected at
 *     once, default 50; 0 disables ejection
 */
public record EjectionConfig(Integer consecutiveFailures, Duration baseTime, Duration maxTime,
    Integer maxEjectedPercent) implements Validated {
  /** The defaults. */
  public static final EjectionConfig DEFAULT = new EjectionConfig(null, null, null, null);

  /** Fills in defaults for absent values. */
  public EjectionConfig {
    consecutiveFailures = consecutiveFailures == null ? 5 : consecutiveFailures;
    baseTime = baseTime == null ? Duration.ofSeconds(30) : baseTime;
    maxTime = maxTime == null ? Duration.ofSeconds(300) : maxTime;
    maxEjectedPercent = maxEjectedPercent == null ? 50 : maxEjectedPercent;
  }

  /** Whether passive ejection is on. */
  public boolean enabled() {
    return consecutiveFailures > 0 && maxEjectedPercent > 0;
  }

  @Override
  public void validate(Validation at) {
    at.range(consecutiveFailures, 0, 1_000_000, "consecutive_failures");
    at.positive(baseTime, "base_time");
    at.positive(maxTime, "max_time");
    at.check(maxTime.compareTo(baseTime) >= 0, "max_time", maxTime,
        "must not be shorter than base_time (" + Durations.format(baseTime) + ")");
    at.range(maxEjectedPercent, 0, 100, "max_ejected_percent");
  }
}
