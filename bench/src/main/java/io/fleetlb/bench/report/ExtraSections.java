package io.fleetlb.bench.report;

import io.fleetlb.results.GroupFigures;
import io.fleetlb.results.RunResult;
import io.fleetlb.results.SteadyStateFigures;
import io.fleetlb.results.TelemetryFigures;
import io.fleetlb.results.ValidityReport;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The console sections vLLM does not have: fidelity, intended-time latency, steady state,
 * breakdowns, telemetry, errors.
 */
final class ExtraSections {
  private ExtraSections() {}

  static void write(ConsoleReport c, RunResult r) {
    ValidityReport v = r.validity();
    c.line(ConsoleReport.center(" Schedule Fidelity ", '-'));
    c.row("Run valid:", r.valid() ? "yes" : "NO");
    if (v.openLoop()) {
      c.row("Offered rate (req/s):", ConsoleReport.f2(v.offeredRate()));
      c.row("Achieved rate (req/s):", ConsoleReport.f2(v.achievedRate()));
      c.row(
          "Achieved / offered (%):",
          ConsoleReport.f2(v.achievedRatio() == null ? null : 100 * v.achievedRatio()));
    } else {
      c.row("Offered rate (req/s):", "inf (closed loop)");
    }
    c.row("Median schedule lag (ms):", num(r.stat("median_schedule_lag_ms")));
    c.row("P99 schedule lag (ms):", num(r.stat("p99_schedule_lag_ms")));
    c.row("Max schedule lag (ms):", num(r.stat("max_schedule_lag_ms")));
    if (v.scheduleLag() != null) {
      ValidityReport.LagGate g = v.scheduleLag();
      c.row(
          "Lag gate (p"
              + io.fleetlb.results.NumpyStats.percentileWord(g.percentile())
              + " <= limit, ms):",
          String.format(Locale.ROOT, "%.2f <= %.2f %s", g.valueMs(), g.limitMs(), g.verdict()));
    }
    if (r.connections() != null) {
      c.row("Connections opened:", Long.toString(r.connections().opened()));
      c.row("Requests that waited for a connection:", Long.toString(r.connections().poolWaits()));
    }
    c.line(ConsoleReport.center(" Latency From Scheduled Time ", '-'));
    c.row("Mean TTFT intended (ms):", num(r.stat("mean_ttft_intended_ms")));
    c.row("P99 TTFT intended (ms):", num(r.stat("p99_ttft_intended_ms")));
    c.row("Mean E2EL intended (ms):", num(r.stat("mean_e2el_intended_ms")));
    c.row("P99 E2EL intended (ms):", num(r.stat("p99_e2el_intended_ms")));
    SteadyStateFigures ss = r.steadyState();
    if (ss != null && ss.requests() != null) {
      c.line(
          ConsoleReport.center(
              String.format(Locale.ROOT, " Steady State [%.1f s, %.1f s) ", ss.startS(), ss.endS()),
              '-'));
      c.row("Request throughput (req/s):", ConsoleReport.f2(ss.requestThroughput()));
      c.row("Output token throughput (tok/s):", ConsoleReport.f2(ss.outputThroughput()));
      c.row("Median TTFT (ms):", ConsoleReport.f2(ss.stats().get("median_ttft_ms")));
      c.row("P99 TTFT (ms):", ConsoleReport.f2(ss.stats().get("p99_ttft_ms")));
    }
    breakdown(c, r.perModel(), " Per Model ", false);
    if (!r.perClass().isEmpty()) {
      breakdown(c, r.perClass(), " Per Class ", false);
    }
    breakdown(c, r.perReplica(), " Per Replica ", true);
    balance(c, r);
    telemetry(c, r.telemetry());
    if (!v.errors().isEmpty()) {
      c.line(ConsoleReport.center(" Errors (most frequent) ", '-'));
      v.errors().forEach((msg, n) -> c.line(n + " x " + msg));
    }
    for (String w : v.warnings()) {
      c.line("warning: " + w);
    }
  }

  private static void breakdown(
      ConsoleReport c, Map<String, GroupFigures> groups, String title, boolean replicas) {
    if (groups.isEmpty()) {
      return;
    }
    c.line(ConsoleReport.center(title, '-'));
    int[] w = {30, 8, 7, 9, 9, 9};
    c.cols(
        List.of(
            "", "requests", replicas ? "of model" : "share", "p50 TTFT", "p99 TTFT", "p99 E2EL"),
        w);
    groups.forEach(
        (key, g) -> {
          double share = replicas && g.shareOfModel() != null ? g.shareOfModel() : g.share();
          c.cols(
              List.of(
                  shorten(key),
                  Integer.toString(g.requests()),
                  String.format(Locale.ROOT, "%.1f%%", 100 * share),
                  num(g.stat("p50_ttft_ms")),
                  num(g.stat("p99_ttft_ms")),
                  num(g.stat("p99_e2el_ms"))),
              w);
        });
  }

  private static void balance(ConsoleReport c, RunResult r) {
    if (r.balance().isEmpty()) {
      return;
    }
    c.line(ConsoleReport.center(" Balance Across Replicas ", '-'));
    int[] w = {30, 8, 7, 7, 9};
    Map<String, TelemetryFigures.QueueBalance> q =
        r.telemetry() == null || r.telemetry().balance() == null
            ? Map.of()
            : r.telemetry().balance();
    c.cols(List.of("model", "replicas", "Jain", "CV", "idle+q s"), w);
    r.balance()
        .forEach(
            (model, m) -> {
              TelemetryFigures.QueueBalance qb = q.get(model);
              c.cols(
                  List.of(
                      shorten(model),
                      Integer.toString(m.replicas()),
                      num3(m.jainIndex()),
                      num3(m.cv()),
                      qb == null ? "-" : num(qb.idleWhileQueuedS())),
                  w);
            });
  }

  private static void telemetry(ConsoleReport c, TelemetryFigures t) {
    if (t == null) {
      return;
    }
    TelemetryFigures.Fleet run = t.run();
    c.line(ConsoleReport.center(" GPU Telemetry ", '-'));
    c.row("GPUs sampled:", Integer.toString(run.gpus()));
    c.row("Mean GPU utilization (%):", ConsoleReport.f2(run.meanUtilPct()));
    c.row("Mean total GPU power (W):", ConsoleReport.f2(run.meanPowerW()));
    c.row("GPU energy (J):", ConsoleReport.f2(run.energyJ()));
    c.row("Output tokens/s per GPU:", ConsoleReport.f2(run.outputTokensPerSPerGpu()));
    c.row("Output tokens/s per kW:", ConsoleReport.f2(run.outputTokensPerSPerKw()));
    c.row("Joules per output token:", num3(run.joulesPerOutputToken()));
    c.row("Failed samples:", Long.toString(t.failedSamples()));
  }

  private static String shorten(String name) {
    return name.length() > 30 ? "..." + name.substring(name.length() - 27) : name;
  }

  static String num(double v) {
    return ConsoleReport.f2(v);
  }

  static String num3(Double v) {
    return v == null || v.isNaN() ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
  }
}
