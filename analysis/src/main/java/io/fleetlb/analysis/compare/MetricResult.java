package io.fleetlb.analysis.compare;

import io.fleetlb.analysis.stats.Direction;
import io.fleetlb.analysis.stats.Interval;
import io.fleetlb.analysis.stats.Verdict;

/**
 * The comparison of one metric: each arm's value (all repetitions pooled), managed minus baseline
 * absolute and relative, the bootstrap 95% intervals of both, the verdict, and each repetition's
 * own value. Values are NaN and intervals null where there was no data.
 */
public record MetricResult(
    Metric metric,
    double baseline,
    double managed,
    Interval ci95,
    Interval ci95Pct,
    Verdict verdict,
    String note,
    double[] baselineReps,
    double[] managedReps) {

  public String key() {
    return metric.key();
  }

  public Direction direction() {
    return metric.direction();
  }

  /** managed - baseline. */
  public double delta() {
    return managed - baseline;
  }

  /** (managed - baseline) / baseline in percent; NaN when the baseline is 0. */
  public double deltaPct() {
    return baseline == 0 ? Double.NaN : 100 * (managed - baseline) / baseline;
  }

  /** Whether both arms have a value. */
  public boolean available() {
    return !Double.isNaN(baseline) && !Double.isNaN(managed);
  }
}
