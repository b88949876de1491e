package io.fleetlb.results;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * vLLM's whole-run aggregates (duration from the schedule's zero to the last finished request,
 * drain tail included), plus the goodput SLO that {@code request_goodput} was counted against (null
 * without {@code --goodput}), so that a comparison can use the same one.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({
  "duration",
  "completed",
  "failed",
  "totalInputTokens",
  "totalOutputTokens",
  "requestThroughput",
  "requestGoodput",
  "goodputSlo",
  "outputThroughput",
  "totalTokenThroughput",
  "maxOutputTokensPerS",
  "maxConcurrentRequests"
})
public record RunTotals(
    double duration,
    int completed,
    int failed,
    long totalInputTokens,
    long totalOutputTokens,
    double requestThroughput,
    Double requestGoodput,
    Slo goodputSlo,
    double outputThroughput,
    double totalTokenThroughput,
    double maxOutputTokensPerS,
    int maxConcurrentRequests) {}
