package io.fleetlb.analysis.stats;

import io.fleetlb.results.NumpyStats;
import java.util.Arrays;

/** A closed interval [lo, hi], e.g. a bootstrap 95% confidence interval. */
public record Interval(double lo, double hi) {
  public Interval {
    if (Double.isNaN(lo) || Double.isNaN(hi) || lo > hi) {
      throw new IllegalArgumentException("not an interval: [" + lo + ", " + hi + "]");
    }
  }

  /** Whether x lies in the interval. */
  public boolean contains(double x) {
    return lo <= x && x <= hi;
  }

  /**
   * The percentile interval of a bootstrap distribution: its 2.5th and 97.5th percentiles (numpy
   * linear); NaN draws (a resample with no data) are left out; null when none remain.
   */
  public static Interval percentile95(double[] draws) {
    double[] finite = Arrays.stream(draws).filter(d -> !Double.isNaN(d)).sorted().toArray();
    if (finite.length == 0) {
      return null;
    }
    return new Interval(
        NumpyStats.percentileSorted(finite, 2.5), NumpyStats.percentileSorted(finite, 97.5));
  }
}
