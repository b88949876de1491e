package io.fleetlb.analysis.compare;

import io.fleetlb.analysis.compare.Scope.Series;
import io.fleetlb.analysis.input.Run;
import io.fleetlb.analysis.stats.Direction;
import io.fleetlb.results.TelemetryFigures;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The metrics a comparison reports, overall and per model, in report order. */
final class MetricCatalog {
  private MetricCatalog() {}

  static List<Metric> overall() {
    List<Metric> m = new ArrayList<>();
    String[] names = {"ttft", "tpot", "itl", "e2el"};
    Series[] series = {Series.TTFT, Series.TPOT, Series.ITL, Series.E2EL};
    for (int k = 0; k < names.length; k++) {
      m.add(Metric.mean(series[k], names[k]));
      for (double p : new double[] {50, 90, 99}) {
        m.add(Metric.percentile(p, series[k], names[k]));
      }
    }
    m.add(Metric.percentile(99, Series.TTFT_INTENDED, "ttft_intended"));
    m.add(Metric.percentile(99, Series.E2EL_INTENDED, "e2el_intended"));
    List<Metric> tg = throughputAndGoodput();
    m.addAll(tg);
    m.add(failureRate());
    m.add(
        new Metric(
            "failed",
            "failed requests per run",
            "requests",
            "failures",
            Direction.LOWER_IS_BETTER,
            false,
            (sc, d) -> sc.sum(d, u -> sc.arm.success[u] ? 0 : 1) / d.repTotal()));
    m.addAll(telemetry());
    return m;
  }

  static List<Metric> perModel() {
    List<Metric> m = new ArrayList<>();
    m.add(Metric.percentile(50, Series.TTFT, "ttft"));
    m.add(Metric.percentile(90, Series.TTFT, "ttft"));
    m.add(Metric.percentile(99, Series.TTFT, "ttft"));
    m.add(Metric.percentile(50, Series.TPOT, "tpot"));
    m.add(Metric.percentile(99, Series.TPOT, "tpot"));
    m.add(Metric.percentile(99, Series.ITL, "itl"));
    m.add(Metric.percentile(50, Series.E2EL, "e2el"));
    m.add(Metric.percentile(99, Series.E2EL, "e2el"));
    m.addAll(throughputAndGoodput());
    m.add(failureRate());
    return m;
  }

  private static List<Metric> throughputAndGoodput() {
    List<Metric> m = new ArrayList<>();
    m.add(metricOnArm("request_throughput", "requests/s", "req/s", "throughput", Kind.REQUESTS));
    m.add(
        metricOnArm(
            "output_throughput",
            "output tokens/s (whole run)",
            "tok/s",
            "throughput",
            Kind.OUTPUT));
    m.add(
        metricOnArm("total_token_throughput", "total tokens/s", "tok/s", "throughput", Kind.TOTAL));
    // the rate while traffic arrives, without warm-up and drain tail: what the headline reports
    m.add(
        new Metric(
            "steady_output_throughput",
            "steady-state output tokens/s",
            "tok/s",
            "throughput",
            Direction.HIGHER_IS_BETTER,
            false,
            (sc, d) -> sc.sum(d, u -> sc.arm.steadyTokens[u]) / sc.arm.weightedWindow(d)));
    m.add(metricOnArm("goodput", "goodput", "req/s", "goodput", Kind.GOOD));
    m.add(
        new Metric(
            "goodput_fraction",
            "requests within SLO",
            "%",
            "goodput",
            Direction.HIGHER_IS_BETTER,
            false,
            (sc, d) -> 100 * sc.sum(d, u -> sc.arm.good[u] ? 1 : 0) / sc.sum(d, u -> 1)));
    return m;
  }

  private enum Kind {
    REQUESTS,
    OUTPUT,
    TOTAL,
    GOOD
  }

  private static Metric metricOnArm(
      String key, String label, String unit, String group, Kind kind) {
    return new Metric(
        key,
        label,
        unit,
        group,
        Direction.HIGHER_IS_BETTER,
        false,
        (sc, d) -> {
          Arm a = sc.arm;
          Scope.UnitValue f =
              switch (kind) {
                case REQUESTS -> u -> a.success[u] ? 1 : 0;
                case OUTPUT -> u -> a.outputTokens[u];
                case TOTAL -> u -> a.outputTokens[u] + a.inputTokens[u];
                case GOOD -> u -> a.good[u] ? 1 : 0;
              };
          return sc.sum(d, f) / a.weightedDuration(d);
        });
  }

  private static Metric failureRate() {
    return new Metric(
        "failure_rate",
        "failure rate",
        "%",
        "failures",
        Direction.LOWER_IS_BETTER,
        false,
        (sc, d) -> 100 * sc.sum(d, u -> sc.arm.success[u] ? 0 : 1) / sc.sum(d, u -> 1));
  }

  private static List<Metric> telemetry() {
    List<Metric> m = new ArrayList<>();
    m.add(
        Metric.ofRun(
            "mean_gpu_util_pct",
            "mean GPU utilisation",
            "%",
            "gpu",
            Direction.HIGHER_IS_BETTER,
            r -> fleet(r, TelemetryFigures.Fleet::meanUtilPct)));
    m.add(
        Metric.ofRun(
            "mean_gpu_power_w",
            "total GPU power",
            "W",
            "gpu",
            Direction.LOWER_IS_BETTER,
            r -> fleet(r, TelemetryFigures.Fleet::meanPowerW)));
    m.add(
        Metric.ofRun(
            "joules_per_output_token",
            "energy per output token",
            "J",
            "gpu",
            Direction.LOWER_IS_BETTER,
            r -> fleet(r, TelemetryFigures.Fleet::joulesPerOutputToken)));
    m.add(
        Metric.ofRun(
            "output_tokens_per_s_per_gpu",
            "output tokens/s per GPU",
            "tok/s",
            "gpu",
            Direction.HIGHER_IS_BETTER,
            r -> fleet(r, TelemetryFigures.Fleet::outputTokensPerSPerGpu)));
    m.add(
        Metric.ofRun(
            "mean_waiting",
            "queued in vLLM (fleet)",
            "requests",
            "queues",
            Direction.LOWER_IS_BETTER,
            MetricCatalog::fleetWaiting));
    m.add(
        Metric.ofRun(
            "idle_while_queued_s",
            "idle while sibling queued",
            "s",
            "queues",
            Direction.LOWER_IS_BETTER,
            MetricCatalog::idleWhileQueued));
    return m;
  }

  /** A figure of the run's fleet telemetry, or null without telemetry. */
  private static Double fleet(Run r, Function<TelemetryFigures.Fleet, Double> f) {
    TelemetryFigures t = r.result().telemetry();
    return t == null || t.run() == null ? null : f.apply(t.run());
  }

  /** Sum over replicas of their mean number of waiting requests. */
  private static Double fleetWaiting(Run r) {
    TelemetryFigures t = r.result().telemetry();
    if (t == null || t.servers() == null || t.servers().isEmpty()) {
      return null;
    }
    double s = 0;
    for (TelemetryFigures.Server server : t.servers().values()) {
      if (server.meanWaiting() == null) {
        return null;
      }
      s += server.meanWaiting();
    }
    return s;
  }

  /** Seconds some replica idled while a sibling queued, summed over models. */
  private static Double idleWhileQueued(Run r) {
    TelemetryFigures t = r.result().telemetry();
    if (t == null || t.balance() == null || t.balance().isEmpty()) {
      return null;
    }
    return t.balance().values().stream()
        .mapToDouble(TelemetryFigures.QueueBalance::idleWhileQueuedS)
        .sum();
  }
}
