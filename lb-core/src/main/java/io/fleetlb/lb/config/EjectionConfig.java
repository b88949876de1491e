package io.fleetlb.lb.config;

import java.time.Duration;

/**
 * Passive ejection ({@code ejection:}): a replica stops receiving requests when it fails
 * {@code consecutive_failures} times in a row (connect errors, resets, timeouts, 5xx, stalled
 * streams; never 4xx or client cancels), or at once when it stalls: requests in flight and no
 * byte from it (or from most of its streams) for {@code stalled_after}. With active health
 * checks on it comes back after {@code health_check.healthy_threshold} passing probes in a row
 * (probed every {@code health_check.fast_interval} while out) when a probe failed while it was
 * out; when its {@code /health} kept passing, only once its ejection time is over too:
 * {@code base_time} times the number of times it has been ejected, capped at {@code max_time}
 * (with health checks off, that time alone). A returning replica gets a growing share of requests
 * during {@code slow_start}.
 *
 * @param consecutiveFailures failures in a row that eject, default 5; 0 disables ejection
 * @param baseTime the first ejection time, default 30s
 * @param maxTime cap on the growing ejection time, default 300s; a replica that stayed in this
 *     long since its last return starts over at {@code base_time}
 * @param maxEjectedPercent at most this share of a model's replicas (at least one) is ejected at
 *     once, default 50; 0 disables ejection
 * @param stalledAfter a replica with streams in flight that sends no byte on any of them for
 *     this long is ejected at once (vLLM sends a chunk per engine step, tens of milliseconds
 *     apart); a replica with only other requests in flight and no progress for this long is
 *     probed at once and ejected if the probe fails. Default 5s; 0 turns the check off
 * @param slowStart how long a replica that came back (after an ejection or failed health checks)
 *     takes to get its full share of requests: its share grows linearly from 10%, and so does
 *     its in-flight limit; default 30s, 0 turns it off
 */
public record EjectionConfig(Integer consecutiveFailures, Duration baseTime, Duration maxTime,
    Integer maxEjectedPercent, Duration stalledAfter, Duration slowStart) implements Validated {
  /** The defaults. */
  public static final EjectionConfig DEFAULT =
      new EjectionConfig(null, null, null, null, null, null);

  /** Fills in defaults for absent values. */
  public EjectionConfig {
    consecutiveFailures = consecutiveFailures == null ? 5 : consecutiveFailures;
    baseTime = baseTime == null ? Duration.ofSeconds(30) : baseTime;
    maxTime = maxTime == null ? Duration.ofSeconds(300) : maxTime;
    maxEjectedPercent = maxEjectedPercent == null ? 50 : maxEjectedPercent;
    stalledAfter = stalledAfter == null ? Duration.ofSeconds(5) : stalledAfter;
    slowStart = slowStart == null ? Duration.ofSeconds(30) : slowStart;
  }

  /** The first four settings with the defaults for the others (tests, older call sites). */
  public EjectionConfig(Integer consecutiveFailures, Duration baseTime, Duration maxTime,
      Integer maxEjectedPercent) {
    this(consecutiveFailures, baseTime, maxTime, maxEjectedPercent, null, null);
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
    at.check(stalledAfter.isZero() || stalledAfter.toMillis() >= 100, "stalled_after",
        stalledAfter, "must be 0 (off) or at least 100ms");
    at.check(!slowStart.isNegative(), "slow_start", slowStart, "must not be negative");
  }
}
