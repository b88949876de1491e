package io.fleetlb.sim.metrics;

import io.fleetlb.sim.engine.EngineMetrics;
import io.fleetlb.sim.engine.Profile;

/**
 * What a replica's {@code /metrics} and {@code /gpu/metrics} are rendered from.
 *
 * @param metrics the engine's live metrics
 * @param model the served model name ({@code model_name} label)
 * @param profile the replica's profile (for {@code cache_config_info} and the GPU)
 * @param startEpochSeconds process start, used for {@code _created} series
 * @param prefixCaching whether the engine caches prefixes ({@code enable_prefix_caching})
 */
public record ReplicaMetricsSource(
    EngineMetrics metrics,
    String model,
    Profile profile,
    double startEpochSeconds,
    boolean prefixCaching) {

  /** {@code enable_prefix_caching} as Python prints the boolean. */
  public String prefixCachingLabel() {
    return prefixCaching ? "True" : "False";
  }
}
