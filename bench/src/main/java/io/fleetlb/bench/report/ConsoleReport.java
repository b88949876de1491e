package io.fleetlb.bench.report;

import io.fleetlb.results.LatencyStats;
import io.fleetlb.results.RunResult;
import io.fleetlb.results.RunTotals;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a result for the terminal: {@code vllm bench serve}'s layout first (a 50-column banner,
 * 40-column labels, 10-column values, one section per selected metric), then the bench's own
 * sections, and a loud banner when the run is invalid. Rendering only reads the result, so a saved
 * result prints exactly as it did live.
 */
public final class ConsoleReport {
  private final StringBuilder sb = new StringBuilder();

  private ConsoleReport() {}

  public static String render(RunResult r) {
    ConsoleReport c = new ConsoleReport();
    c.write(r);
    return c.sb.toString();
  }

  private void write(RunResult r) {
    if (!r.valid()) {
      invalidBanner(r);
    }
    RunTotals t = r.totals();
    line(center(" Serving Benchmark Result ", '='));
    row("Successful requests:", Integer.toString(t.completed()));
    row("Failed requests:", Integer.toString(t.failed()));
    if (r.header().maxConcurrency() != null) {
      row("Maximum request concurrency:", r.header().maxConcurrency().toString());
    }
    Double rate = r.header().requestRate();
    if (rate != null && !rate.isInfinite()) {
      row("Request rate configured (RPS):", f2(rate));
    }
    row("Benchmark duration (s):", f2(t.duration()));
    row("Total input tokens:", Long.toString(t.totalInputTokens()));
    row("Total generated tokens:", Long.toString(t.totalOutputTokens()));
    row("Request throughput (req/s):", f2(t.requestThroughput()));
    if (t.requestGoodput() != null) {
      row("Request goodput (req/s):", f2(t.requestGoodput()));
    }
    row("Output token throughput (tok/s):", f2(t.outputThroughput()));
    row("Peak output token throughput (tok/s):", f2(t.maxOutputTokensPerS()));
    row("Peak concurrent requests:", f2(t.maxConcurrentRequests()));
    row("Total Token throughput (tok/s):", f2(t.totalTokenThroughput()));
    metric(r, "ttft", "TTFT", "Time to First Token");
    metric(r, "tpot", "TPOT", "Time per Output Token (excl. 1st token)");
    metric(r, "itl", "ITL", "Inter-token Latency");
    metric(r, "e2el", "E2EL", "End-to-end Latency");
    metric(r, "client_queue_time", "Client Queue Time", "Client-side Queueing");
    metric(
        r,
        "e2el_including_client_queue",
        "Queue-inclusive E2EL",
        "Queue-inclusive End-to-end Latency");
    ExtraSections.write(this, r);
    line("=".repeat(50));
    if (!r.valid()) {
      invalidBanner(r);
    }
  }

  private void metric(RunResult r, String key, String name, String header) {
    if (!r.stats().containsKey("mean_" + key + "_ms")) {
      return;
    }
    line(center(header, '-'));
    row("Mean " + name + " (ms):", f2(r.stat("mean_" + key + "_ms")));
    row("Median " + name + " (ms):", f2(r.stat("median_" + key + "_ms")));
    for (Map.Entry<String, Double> e : r.stats().entrySet()) {
      String k = e.getKey();
      String word =
          k.startsWith("p") && k.endsWith("_" + key + "_ms")
              ? k.substring(1, k.length() - key.length() - 4)
              : "";
      if (word.matches("[0-9.]+")
          && k.equals(LatencyStats.percentileKey(Double.parseDouble(word), key))) {
        row("P" + word + " " + name + " (ms):", f2(e.getValue()));
      }
    }
  }

  private void invalidBanner(RunResult r) {
    line("!".repeat(50));
    line("!! INVALID RUN: the measurement cannot be trusted");
    for (String reason : r.validity().reasons()) {
      line("!! - " + reason);
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
      b.append(
          i == 0
              ? String.format(Locale.ROOT, "%-" + widths[i] + "s", v)
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

  static String f2(Double v) {
    return v == null ? "n/a" : f2(v.doubleValue());
  }
}
