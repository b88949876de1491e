package io.fleetlb.lb.config;

import java.time.Duration;

/**
 * Active health probing ({@code health_check:}): {@code GET path} on every replica every
 * {@code interval}; a replica turns unhealthy after {@code unhealthy_threshold} failed probes in a
 * row and healthy again after {@code healthy_threshold} passes. At start the first probe round
 * decides each replica's state directly, and the router starts serving only after that round.
 *
 * @param enabled default true; when false every replica counts as healthy and ejected replicas
 *     return when their ejection time ends
 * @param path probe path, default {@code /health} (vLLM answers 200 when its engine is alive)
 * @param interval default 5s
 * @param timeout per probe, default 2s
 * @param unhealthyThreshold default 3
 * @param healthyThreshold default 2
 * @param fastInterval the probe interval for a replica whose last probe failed or that is
 *     ejected, so a failing replica is found out and a recovered one readmitted quickly (as
 *     HAProxy's {@code fastinter}); default 1s, at most {@code interval}
 */
public record HealthCheckConfig(Boolean enabled, String path, Duration interval, Duration timeout,
    Integer unhealthyThreshold, Integer healthyThreshold, Duration fastInterval)
    implements Validated {
  /** The defaults. */
  public static final HealthCheckConfig DEFAULT =
      new HealthCheckConfig(null, null, null, null, null, null, null);

  /** Fills in defaults for absent values. */
  public HealthCheckConfig {
    enabled = enabled == null ? Boolean.TRUE : enabled;
    path = path == null ? "/health" : path;
    interval = interval == null ? Duration.ofSeconds(5) : interval;
    timeout = timeout == null ? Duration.ofSeconds(2) : timeout;
    unhealthyThreshold = unhealthyThreshold == null ? 3 : unhealthyThreshold;
    healthyThreshold = healthyThreshold == null ? 2 : healthyThreshold;
    fastInterval = fastInterval == null ? min(Duration.ofSeconds(1), interval) : fastInterval;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  public void validate(Validation at) {
    at.check(path.startsWith("/"), "path", path, "must start with /");
    at.positive(interval, "interval");
    at.positive(timeout, "timeout");
    at.range(unhealthyThreshold, 1, 1000, "unhealthy_threshold");
    at.range(healthyThreshold, 1, 1000, "healthy_threshold");
    at.positive(fastInterval, "fast_interval");
    at.check(fastInterval.compareTo(interval) <= 0, "fast_interval", fastInterval,
        "must not be longer than interval (" + Durations.format(interval) + ")");
  }
}
