package io.fleetlb.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a result JSON for the terminal: {@code vllm bench serve}'s layout first (a 50-column
 * banner, 40-column labels, 10-column values, one section per selected metric), then the bench's
 * own sections, and a loud banner when the run is invalid. Rendering only reads the result, so
 * a saved result prints exactly as it did live.
 */
public final class ConsoleReport {
  private final StringBuilder sb = new StringBuilder();

  private ConsoleReport() {
  }

  public static String render(JsonNode r) {
    ConsoleReport c = new ConsoleReport();
    c.write(r);
    return c.sb.toString();
  }

  private void write(JsonNode r) {
    boolean valid = r.path("valid").asBoolean(true);
    if (!valid) {
      invalidBanner(r);
    }
    line(center(" Serving Benchmark Result ", '='));
    row("Successful requests:", r.path("completed").asText());
    row("Failed requests:", r.path("failed").asText());
    if (r.hasNonNull("max_concurrency")) {
      row("Maximum request concurrency:", r.path("max_concurrency").asText());
    }
    if (r.path("request_rate").isNumber()) {
      row("Request rate configured (RPS):", f2(r.path("request_rate").asDouble()));
    }
    row("Benchmark duration (s):", f2(r.path("duration").asDouble()));
    row("Total input tokens:", r.path("total_input_tokens").asText());
    row("Total generated tokens:", r.path("total_output_tokens").asText());
    row("Request throughput (req/s):", f2(r.path("request_throughput").asDouble()));
    if (r.hasNonNull("request_goodput")) {
      row("Request goodput (req/s):", f2(r.path("request_goodput").asDouble()));
    }
    row("Output token throughput (tok/s):", f2(r.path("output_throughput").asDouble()));
    row("Peak output token throughput (tok/s):", f2(r.path("max_output_tokens_per_s").asDouble()));
    row("Peak concurrent requests:", f2(r.path("max_concurrent_requests").asDouble()));
    row("Total Token throughput (tok/s):", f2(r.path("total_token_throughput").asDouble()));
    metric(r, "ttft", "TTFT", "Time to First Token");
    metric(r, "tpot", "TPOT", "Time per Output Token (excl. 1st token)");
    metric(r, "itl", "ITL", "Inter-token Latency");
    metric(r, "e2el", "E2EL", "End-to-end Latency");
    metric(r, "client_queue_time", "Client Queue Time", "Client-side Queueing");
    metric(r, "e2el_including_client_queue", "Queue-inclusive E2EL", "Queue-inclusive End-to-end Latency");
    ExtraSections.write(this, r);
    line("=".repeat(50));
    if (!valid) {
      invalidBanner(r);
    }
  }

  private void metric(JsonNode r, String key, String name, String header) {
    if (!r.has("mean_" + key + "_ms")) {
      return;
    }
    line(center(header, '-'));
    row("Mean " + name + " (ms):", f2(r.path("mean_" + key + "_ms").asDouble()));
    row("Median " + name + " (ms):", f2(r.path("median_" + key + "_ms").asDouble()));
    for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      String k = e.getKey();
      if (k.startsWith("p") && k.endsWith("_" + key + "_ms") && k.substring(1, k.length() - key.length() - 4).matches("[0-9.]+")) {
        row("P" + k.substring(1, k.length() - key.length() - 4) + " " + name + " (ms):", f2(e.getValue().asDouble()));
      }
    }
  }

  private void invalidBanner(JsonNode r) {
    line("!".repeat(50));
    line("!! INVALID RUN: the measurement cannot be trusted");
    for (JsonNode reason : r.path("validity").path("reasons")) {
      line("!! - " + reason.asText());
    }
    line("!".repeat(50));
  }

  void line(String s) {
    sb.append(s).append('\n');
  }

  /** vLLM's {@code "{:<40} {:<10}"} row. */
  void row(String label, String value) {
    sb.append(String.format(Locale.ROOT, "%-40s %-10s", label, value)).append('\n');
  }

  /** A fixed-width table row for the extra sections. */
  void cols(List<String> values, int[] widths) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      String v = values.get(i);
      b.append(i == 0 ? String.format(Locale.ROOT, "%-" + widths[i] + "s", v)
          : String.format(Locale.ROOT, " %" + widths[i] + "s", v));
    }
    line(b.toString().stripTrailing());
  }

  /** Python's {@code "{s:{c}^{50}}"}: centred, the odd pad character on the right. */
  static String center(String s, char c) {
    int pad = Math.max(0, 50 - s.length());
    int left = pad / 2;
    return String.valueOf(c).repeat(left) + s + String.valueOf(c).repeat(pad - left);
  }

  static String f2(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
  }
}
