package io.fleetlb.results;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * Whether the run measured what it claims (its generator kept the schedule), with the reasons and
 * warnings, the gates it was judged by, and its failures (a property of the server under test, not
 * of the measurement: they never make a run invalid).
 *
 * @param scheduleLag how the lateness gate was applied (null in results written before it existed)
 * @param p99ScheduleLagMs the p99 schedule lag, whatever percentile the gate used
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({
  "valid",
  "reasons",
  "warnings",
  "openLoop",
  "offeredRate",
  "achievedRate",
  "achievedRatio",
  "p99ScheduleLagMs",
  "scheduleLag",
  "thresholds",
  "hasFailures",
  "failed",
  "failureRate",
  "errors"
})
public record ValidityReport(
    boolean valid,
    List<String> reasons,
    List<String> warnings,
    boolean openLoop,
    Double offeredRate,
    Double achievedRate,
    Double achievedRatio,
    Double p99ScheduleLagMs,
    LagGate scheduleLag,
    Thresholds thresholds,
    boolean hasFailures,
    long failed,
    double failureRate,
    Map<String, Long> errors) {

  public ValidityReport {
    reasons = reasons == null ? List.of() : List.copyOf(reasons);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
    errors = errors == null ? Map.of() : errors;
  }

  /**
   * The gates: the schedule lag may exceed {@code maxScheduleLagMs} by up to {@code
   * maxScheduleLagShare} of the median TTFT (then it is a warning, not an invalid run), and at
   * least {@code minAchievedRatio} of the offered rate must be sent.
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonPropertyOrder({"maxScheduleLagMs", "maxScheduleLagShare", "minAchievedRatio"})
  public record Thresholds(
      @JsonAlias("max_p99_schedule_lag_ms") double maxScheduleLagMs,
      Double maxScheduleLagShare,
      double minAchievedRatio) {}

  /**
   * The schedule-lag gate as applied: the percentile used (the highest of 99, 95, 90, 50 with at
   * least ten requests above it), its value, the median TTFT it was weighed against and the limit
   * that resulted.
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonPropertyOrder({"percentile", "samples", "valueMs", "medianTtftMs", "limitMs", "verdict"})
  public record LagGate(
      double percentile,
      int samples,
      double valueMs,
      Double medianTtftMs,
      double limitMs,
      String verdict) {}
}
