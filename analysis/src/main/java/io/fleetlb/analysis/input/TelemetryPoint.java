package io.fleetlb.analysis.input;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One telemetry reading of a run, on the run's clock: a GPU reading ({@code gpu} or {@code
 * nvidia-smi}: utilisation and power) or a vLLM server reading (requests waiting and running).
 * Fields a reading lacks are NaN.
 */
public record TelemetryPoint(
    double tS,
    String source,
    String id,
    double utilPct,
    double powerW,
    double waiting,
    double running) {

  /** Whether this is a GPU reading (DCGM exporter or nvidia-smi). */
  public boolean isGpu() {
    return "gpu".equals(source) || "nvidia-smi".equals(source);
  }

  /** Whether this is a vLLM {@code /metrics} reading. */
  public boolean isServer() {
    return "server".equals(source);
  }

  /**
   * A reading from one line of bench's telemetry file, or null for a failed scrape (it carries no
   * values).
   */
  static TelemetryPoint of(JsonNode n) {
    if (!n.path("ok").asBoolean(true)) {
      return null;
    }
    return new TelemetryPoint(
        n.path("t_s").asDouble(Double.NaN),
        n.path("source").asText(""),
        n.path("id").asText(""),
        num(n, "util_pct"),
        num(n, "power_w"),
        num(n, "waiting"),
        num(n, "running"));
  }

  private static double num(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v != null && v.isNumber() ? v.asDouble() : Double.NaN;
  }
}
