package io.fleetlb.results;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Our flat top-level figures beside vLLM's, for scripts: whether the run is valid, whether any
 * request failed, the workload it replayed, the offered and achieved rates (null for a closed loop)
 * and the worst per-model balance (null without replica ids).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({
  "valid",
  "hasFailures",
  "workloadHash",
  "offeredRate",
  "achievedRate",
  "balanceJainIndexMin",
  "balanceCvMax"
})
public record RunHeadline(
    boolean valid,
    boolean hasFailures,
    String workloadHash,
    Double offeredRate,
    Double achievedRate,
    Double balanceJainIndexMin,
    Double balanceCvMax) {}
