package io.fleetlb.results;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * The run second by second (second k covers [k, k+1) s of the run clock): offered and sent
 * requests, completions, failures, output tokens emitted, mean requests in flight, TTFT p50/p99 and
 * schedule-lag p99 (null in a second without a sample), and completions per replica.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({
  "intervalS",
  "tS",
  "offered",
  "sent",
  "completed",
  "failed",
  "outputTokens",
  "inFlightMean",
  "ttftP50Ms",
  "ttftP99Ms",
  "scheduleLagP99Ms",
  "completedPerReplica"
})
public record PerSecondSeries(
    double intervalS,
    int[] tS,
    double[] offered,
    double[] sent,
    double[] completed,
    double[] failed,
    double[] outputTokens,
    double[] inFlightMean,
    List<Double> ttftP50Ms,
    List<Double> ttftP99Ms,
    List<Double> scheduleLagP99Ms,
    Map<String, double[]> completedPerReplica) {

  /** The number of seconds. */
  public int length() {
    return tS == null ? 0 : tS.length;
  }
}
