package io.fleetlb.results;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The frozen workload a run replayed, as its header describes it: file, content hash, seed, size,
 * span; the generator, dataset and settings blocks are copied from the header verbatim (their
 * schema is the workload file's, docs/bench-format.md).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({
  "path",
  "contentSha256",
  "seed",
  "numRequests",
  "spanS",
  "generator",
  "dataset",
  "settings"
})
public record WorkloadInfo(
    String path,
    String contentSha256,
    Long seed,
    Integer numRequests,
    Double spanS,
    JsonNode generator,
    JsonNode dataset,
    JsonNode settings) {

  /** A text setting of the generator, or null. */
  public String setting(String key) {
    JsonNode v = settings == null ? null : settings.get(key);
    return v == null || v.isNull() ? null : v.asText();
  }
}
