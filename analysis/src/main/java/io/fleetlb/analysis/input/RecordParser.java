package io.fleetlb.analysis.input;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

/** Turns one JSON line of bench's per-request or telemetry files into a record. */
final class RecordParser {
  private RecordParser() {
  }

  static RequestRecord request(JsonNode n, Path file, int line) {
    if (!n.isObject()) {
      throw InputException.unreadable(file + ":" + line + ": a request record must be a JSON object");
    }
    JsonNode index = n.path("index");
    if (!index.canConvertToInt() || !index.isIntegralNumber()) {
      throw InputException.unreadable(file + ":" + line + ": field 'index' is missing or not an integer");
    }
    JsonNode success = n.path("success");
    if (!success.isBoolean()) {
      throw InputException.unreadable(file + ":" + line + ": field 'success' is missing or not true/false");
    }
    boolean ok = success.asBoolean();
    double ttft = num(n, "ttft_ms");
    double e2el = num(n, "e2el_ms");
    if (ok && (Double.isNaN(ttft) || Double.isNaN(e2el))) {
      throw InputException.unreadable(file + ":" + line + ": a successful request needs numeric ttft_ms and e2el_ms");
    }
    JsonNode gaps = n.path("itl_ns");
    double[] itl = new double[gaps.isArray() ? gaps.size() : 0];
    for (int i = 0; i < itl.length; i++) {
      itl[i] = gaps.get(i).asDouble() / 1e6;
    }
    return new RequestRecord(index.asInt(), n.path("model").asText(""), text(n, "replica"), ok,
        text(n, "error"), ttft, num(n, "tpot_ms"), e2el, num(n, "ttft_intended_ms"),
        num(n, "e2el_intended_ms"), Math.max(0, n.path("output_tokens").asInt(0)),
        Math.max(0, n.path("prompt_tokens").asInt(0)), ok ? itl : new double[0]);
  }

  /** A reading, or null for a failed scrape (which carries no values). */
  static TelemetryPoint telemetry(JsonNode n) {
    if (!n.path("ok").asBoolean(true)) {
      return null;
    }
    return new TelemetryPoint(n.path("t_s").asDouble(Double.NaN), n.path("source").asText(""),
        n.path("id").asText(""), num(n, "util_pct"), num(n, "power_w"), num(n, "waiting"), num(n, "running"));
  }

  private static double num(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v != null && v.isNumber() ? v.asDouble() : Double.NaN;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
