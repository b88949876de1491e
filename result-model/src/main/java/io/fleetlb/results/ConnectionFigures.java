package io.fleetlb.results;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/**
 * The client's connections: how many it opened, its pool size (32768 = uncapped), requests that
 * waited for a pooled connection, requests resent once because a reused keep-alive connection had
 * been closed by the server, and the send delay's statistics ({@code stats}).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({"opened", "poolSize", "poolWaits", "staleRetries", "stats"})
public record ConnectionFigures(
    long opened,
    int poolSize,
    long poolWaits,
    long staleRetries,
    @JsonAnyGetter @JsonAnySetter Map<String, Double> stats) {

  public ConnectionFigures {
    stats = stats == null ? LatencyStats.map() : stats;
  }
}
