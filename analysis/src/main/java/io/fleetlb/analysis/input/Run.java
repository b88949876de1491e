package io.fleetlb.analysis.input;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;

/**
 * One bench run (a repetition of one arm): its result JSON, every request record indexed by
 * workload index, and its telemetry readings (empty when it sampled none).
 */
public record Run(Path path, JsonNode result, RequestRecord[] requests, List<TelemetryPoint> telemetry) {

  /** The result's {@code workload_hash}. */
  public String workloadHash() {
    return result.path("workload_hash").asText("");
  }

  /** The result's {@code valid} flag (a run without one is treated as invalid). */
  public boolean valid() {
    return result.path("valid").asBoolean(false);
  }

  /** {@code validity.reasons}, one line each. */
  public List<String> invalidReasons() {
    return strings(result.path("validity").path("reasons"));
  }

  /** {@code validity.warnings}. */
  public List<String> warnings() {
    return strings(result.path("validity").path("warnings"));
  }

  /** Whole-run duration in seconds (vLLM's throughput denominator). */
  public double durationS() {
    return result.path("duration").asDouble(Double.NaN);
  }

  /** The run's {@code label} (bench {@code --label}). */
  public String label() {
    return result.path("label").asText("");
  }

  /** The URL the run replayed against. */
  public String url() {
    return result.path("bench").path("url").asText("");
  }

  /** Failed requests in this run. */
  public int failed() {
    int n = 0;
    for (RequestRecord r : requests) {
      n += r.success() ? 0 : 1;
    }
    return n;
  }

  /** A number from the result at a path of field names, or null when absent or not a number. */
  public Double number(String... path) {
    JsonNode n = result;
    for (String p : path) {
      n = n.path(p);
    }
    return n.isNumber() ? n.asDouble() : null;
  }

  private static List<String> strings(JsonNode array) {
    java.util.ArrayList<String> out = new java.util.ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return List.copyOf(out);
  }
}
