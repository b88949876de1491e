package io.fleetlb.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;

/** The console sections vLLM does not have: fidelity, intended-time latency, steady state, breakdowns, telemetry, errors. */
final class ExtraSections {
  private ExtraSections() {
  }

  static void write(ConsoleReport c, JsonNode r) {
    JsonNode v = r.path("validity");
    c.line(ConsoleReport.center(" Schedule Fidelity ", '-'));
    c.row("Run valid:", r.path("valid").asBoolean() ? "yes" : "NO");
    if (v.path("open_loop").asBoolean()) {
      c.row("Offered rate (req/s):", num(v.path("offered_rate")));
      c.row("Achieved rate (req/s):", num(v.path("achieved_rate")));
      c.row("Achieved / offered (%):", ConsoleReport.f2(100 * v.path("achieved_ratio").asDouble(Double.NaN)));
    } else {
      c.row("Offered rate (req/s):", "inf (closed loop)");
    }
    c.row("Median schedule lag (ms):", num(r.path("median_schedule_lag_ms")));
    c.row("P99 schedule lag (ms):", num(r.path("p99_schedule_lag_ms")));
    c.row("Max schedule lag (ms):", num(r.path("max_schedule_lag_ms")));
    c.row("Connections opened:", r.path("connections").path("opened").asText());
    c.row("Requests that waited for a connection:", r.path("connections").path("pool_waits").asText());
    c.line(ConsoleReport.center(" Latency From Scheduled Time ", '-'));
    c.row("Mean TTFT intended (ms):", num(r.path("mean_ttft_intended_ms")));
    c.row("P99 TTFT intended (ms):", num(r.path("p99_ttft_intended_ms")));
    c.row("Mean E2EL intended (ms):", num(r.path("mean_e2el_intended_ms")));
    c.row("P99 E2EL intended (ms):", num(r.path("p99_e2el_intended_ms")));
    JsonNode ss = r.path("steady_state");
    if (ss.has("requests")) {
      c.line(ConsoleReport.center(String.format(Locale.ROOT, " Steady State [%.1f s, %.1f s) ",
          ss.path("start_s").asDouble(), ss.path("end_s").asDouble()), '-'));
      c.row("Request throughput (req/s):", num(ss.path("request_throughput")));
      c.row("Output token throughput (tok/s):", num(ss.path("output_throughput")));
      c.row("Median TTFT (ms):", num(ss.path("median_ttft_ms")));
      c.row("P99 TTFT (ms):", num(ss.path("p99_ttft_ms")));
    }
    breakdown(c, r.path("per_model"), " Per Model ", false);
    if (r.path("per_class").size() > 0) {
      breakdown(c, r.path("per_class"), " Per Class ", false);
    }
    breakdown(c, r.path("per_replica"), " Per Replica ", true);
    balance(c, r);
    telemetry(c, r.path("telemetry"));
    if (v.path("errors").size() > 0) {
      c.line(ConsoleReport.center(" Errors (most frequent) ", '-'));
      v.path("errors").fields().forEachRemaining(e -> c.line(e.getValue().asText() + " x " + e.getKey()));
    }
    for (JsonNode w : v.path("warnings")) {
      c.line("warning: " + w.asText());
    }
  }

  private static void breakdown(ConsoleReport c, JsonNode groups, String title, boolean replicas) {
    if (groups.size() == 0) {
      return;
    }
    c.line(ConsoleReport.center(title, '-'));
    int[] w = {30, 8, 7, 9, 9, 9};
    c.cols(List.of("", "requests", replicas ? "of model" : "share", "p50 TTFT", "p99 TTFT", "p99 E2EL"), w);
    groups.fields().forEachRemaining(e -> {
      JsonNode g = e.getValue();
      String name = e.getKey().length() > 30 ? "..." + e.getKey().substring(e.getKey().length() - 27) : e.getKey();
      double share = (replicas ? g.path("share_of_model") : g.path("share")).asDouble();
      c.cols(List.of(name, g.path("requests").asText(), String.format(Locale.ROOT, "%.1f%%", 100 * share),
          num(g.path("p50_ttft_ms")), num(g.path("p99_ttft_ms")), num(g.path("p99_e2el_ms"))), w);
    });
  }

  private static void balance(ConsoleReport c, JsonNode r) {
    JsonNode b = r.path("balance");
    if (b.size() == 0) {
      return;
    }
    c.line(ConsoleReport.center(" Balance Across Replicas ", '-'));
    int[] w = {30, 8, 7, 7, 9};
    JsonNode q = r.path("telemetry").path("balance");
    c.cols(List.of("model", "replicas", "Jain", "CV", "idle+q s"), w);
    b.fields().forEachRemaining(e -> {
      JsonNode m = e.getValue();
      String name = e.getKey().length() > 30 ? "..." + e.getKey().substring(e.getKey().length() - 27) : e.getKey();
      c.cols(List.of(name, m.path("replicas").asText(), num3(m.path("jain_index")), num3(m.path("cv")),
          q.path(e.getKey()).has("idle_while_queued_s") ? num(q.path(e.getKey()).path("idle_while_queued_s")) : "-"), w);
    });
  }

  private static void telemetry(ConsoleReport c, JsonNode t) {
    if (t.isMissingNode() || t.isNull()) {
      return;
    }
    JsonNode run = t.path("run");
    c.line(ConsoleReport.center(" GPU Telemetry ", '-'));
    c.row("GPUs sampled:", run.path("gpus").asText());
    c.row("Mean GPU utilization (%):", num(run.path("mean_util_pct")));
    c.row("Mean total GPU power (W):", num(run.path("mean_power_w")));
    c.row("GPU energy (J):", num(run.path("energy_j")));
    c.row("Output tokens/s per GPU:", num(run.path("output_tokens_per_s_per_gpu")));
    c.row("Output tokens/s per kW:", num(run.path("output_tokens_per_s_per_kw")));
    c.row("Joules per output token:", num3(run.path("joules_per_output_token")));
    c.row("Failed samples:", t.path("failed_samples").asText());
  }

  static String num(JsonNode n) {
    return n.isNumber() ? ConsoleReport.f2(n.asDouble()) : "n/a";
  }

  static String num3(JsonNode n) {
    return n.isNumber() ? String.format(Locale.ROOT, "%.3f", n.asDouble()) : "n/a";
  }
}
