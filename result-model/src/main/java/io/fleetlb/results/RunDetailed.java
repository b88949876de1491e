package io.fleetlb.results;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * vLLM's {@code --save-detailed} arrays, one entry per request in workload order, in seconds
 * (failed requests: zeros and their error). Our own results write them without {@code
 * generated_texts}.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({
  "inputLens",
  "outputLens",
  "ttfts",
  "itls",
  "latencies",
  "startTimes",
  "queueTimes",
  "errors"
})
public record RunDetailed(
    int[] inputLens,
    int[] outputLens,
    double[] ttfts,
    double[][] itls,
    double[] latencies,
    double[] startTimes,
    double[] queueTimes,
    List<String> errors) {

  /** The keys these arrays have at the top of a result. */
  static final List<String> KEYS =
      List.of(
          "input_lens",
          "output_lens",
          "ttfts",
          "itls",
          "latencies",
          "start_times",
          "queue_times",
          "errors");
}
