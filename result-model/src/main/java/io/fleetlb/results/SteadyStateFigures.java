package io.fleetlb.results;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/**
 * Figures over the steady-state window {@code [start_s, end_s)} of the run clock, which leaves out
 * the warm-up and the drain tail: latency statistics of the requests scheduled in it ({@code
 * stats}, vLLM's keys) and rates of what happened in it; {@code error} instead when the window is
 * empty.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "startS",
  "endS",
  "error",
  "requests",
  "completed",
  "failed",
  "offeredRate",
  "achievedRate",
  "requestThroughput",
  "outputThroughput",
  "requestGoodput",
  "stats"
})
public record SteadyStateFigures(
    double startS,
    double endS,
    String error,
    Integer requests,
    Integer completed,
    Integer failed,
    Double offeredRate,
    Double achievedRate,
    Double requestThroughput,
    Double outputThroughput,
    Double requestGoodput,
    @JsonAnyGetter @JsonAnySetter Map<String, Double> stats) {

  public SteadyStateFigures {
    stats = stats == null ? LatencyStats.map() : stats;
  }

  /** An empty window, with the reason. */
  public static SteadyStateFigures empty(double startS, double endS, String error) {
    return new SteadyStateFigures(
        startS, endS, error, null, null, null, null, null, null, null, null, null);
  }
}
