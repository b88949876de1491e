package io.fleetlb.results;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/**
 * vLLM's figures within one group of requests (a model, a request class or a replica), rates over
 * the whole run's duration; a replica adds the model it serves and its share of that model's
 * requests.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({
  "model",
  "requests",
  "share",
  "completed",
  "failed",
  "totalInputTokens",
  "totalOutputTokens",
  "requestThroughput",
  "requestGoodput",
  "outputThroughput",
  "stats",
  "shareOfModel"
})
public record GroupFigures(
    @JsonInclude(JsonInclude.Include.NON_NULL) String model,
    int requests,
    double share,
    int completed,
    int failed,
    long totalInputTokens,
    long totalOutputTokens,
    double requestThroughput,
    @JsonInclude(JsonInclude.Include.NON_NULL) Double requestGoodput,
    double outputThroughput,
    @JsonAnyGetter @JsonAnySetter Map<String, Double> stats,
    @JsonInclude(JsonInclude.Include.NON_NULL) Double shareOfModel) {

  public GroupFigures {
    stats = stats == null ? LatencyStats.map() : stats;
  }

  /** A statistic by vLLM's key ({@code p99_ttft_ms}), or NaN. */
  public double stat(String key) {
    Double v = stats.get(key);
    return v == null ? Double.NaN : v;
  }
}
