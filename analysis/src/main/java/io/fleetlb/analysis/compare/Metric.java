package io.fleetlb.analysis.compare;

import io.fleetlb.analysis.input.Run;
import io.fleetlb.analysis.stats.Direction;
import java.util.function.Function;

/**
 * One compared figure: its key in comparison.json (vLLM's names where they exist), how people read
 * it, which way is better, and how to compute it for a scope of an arm under a resample.
 * Request-level metrics are recomputed from the per-request records; run-level ones (telemetry)
 * come from each repetition's result and are averaged over the drawn repetitions.
 */
public record Metric(
    String key,
    String label,
    String unit,
    String group,
    Direction direction,
    boolean runLevel,
    Evaluator evaluator) {

  /** Computes the metric for a scope under a draw; NaN when there is no data. */
  interface Evaluator {
    double value(Scope scope, Draw draw);
  }

  double value(Scope scope, Draw draw) {
    return evaluator.value(scope, draw);
  }

  /** A percentile of a latency series, e.g. {@code p99_ttft_ms}. */
  static Metric percentile(double p, Scope.Series s, String name) {
    String word = p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
    String key = (p == 50 ? "p50" : "p" + word) + "_" + name + "_ms";
    return new Metric(
        key,
        "p" + word + " " + label(name),
        "ms",
        "latency",
        Direction.LOWER_IS_BETTER,
        false,
        (sc, d) -> sc.sample(s).percentile(d.unitWeights, p));
  }

  /** The mean of a latency series, e.g. {@code mean_ttft_ms}. */
  static Metric mean(Scope.Series s, String name) {
    return new Metric(
        "mean_" + name + "_ms",
        "mean " + label(name),
        "ms",
        "latency",
        Direction.LOWER_IS_BETTER,
        false,
        (sc, d) -> sc.sample(s).mean(d.unitWeights));
  }

  /**
   * A figure of each repetition's result, averaged over the drawn repetitions (NaN if any lacks
   * it).
   */
  static Metric ofRun(
      String key, String label, String unit, String group, Direction dir, Function<Run, Double> f) {
    return new Metric(
        key,
        label,
        unit,
        group,
        dir,
        true,
        (sc, d) -> {
          double s = 0;
          int n = 0;
          for (int r = 0; r < sc.arm.reps; r++) {
            int c = d.repCounts[r];
            if (c != 0) {
              Double v = f.apply(sc.arm.runs.get(r));
              if (v == null || v.isNaN()) {
                return Double.NaN;
              }
              s += c * v;
              n += c;
            }
          }
          return n == 0 ? Double.NaN : s / n;
        });
  }

  static String label(String name) {
    return switch (name) {
      case "ttft" -> "TTFT";
      case "tpot" -> "TPOT";
      case "itl" -> "ITL";
      case "e2el" -> "E2E latency";
      case "ttft_intended" -> "TTFT from schedule";
      case "e2el_intended" -> "E2E from schedule";
      default -> name;
    };
  }
}
