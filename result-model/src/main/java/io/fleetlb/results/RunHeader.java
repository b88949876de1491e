package io.fleetlb.results;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

/**
 * vLLM's setup keys at the top of a result, in its order: what ran, against what, at what rate.
 * Rates and burstiness are {@code Infinity} for vLLM's {@code "inf"}.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({
  "date",
  "endpointType",
  "backend",
  "label",
  "modelId",
  "tokenizerId",
  "numPrompts",
  "requestRate",
  "burstiness",
  "maxConcurrency"
})
public record RunHeader(
    String date,
    String endpointType,
    String backend,
    String label,
    String modelId,
    String tokenizerId,
    int numPrompts,
    @JsonSerialize(using = InfNumber.Writer.class) @JsonDeserialize(using = InfNumber.Reader.class)
        Double requestRate,
    @JsonSerialize(using = InfNumber.Writer.class) @JsonDeserialize(using = InfNumber.Reader.class)
        Double burstiness,
    Integer maxConcurrency) {}
