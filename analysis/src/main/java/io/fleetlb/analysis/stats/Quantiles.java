package io.fleetlb.analysis.stats;

import java.util.Arrays;

/**
 * numpy's {@code np.percentile} with its default linear method, operation for operation (the
 * virtual index {@code (n - 1) * q} and numpy's two-sided lerp), so a figure here equals the
 * one bench and {@code vllm bench serve} print for the same data.
 */
public final class Quantiles {
  private Quantiles() {
  }

  /** {@code np.percentile(values, p)}; NaN for no values. */
  public static double percentile(double[] values, double p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return percentileSorted(sorted, p);
  }

  /** {@code np.percentile} on data already sorted ascending; NaN for no values. */
  public static double percentileSorted(double[] sorted, double p) {
    checkPercent(p);
    int n = sorted.length;
    if (n == 0) {
      return Double.NaN;
    }
    double virtual = (n - 1) * (p / 100.0);
    if (virtual >= n - 1) {
      return sorted[n - 1];
    }
    double lowIndex = Math.floor(virtual);
    int low = (int) Math.max(0, lowIndex);
    return lerp(sorted[low], sorted[Math.min(n - 1, low + 1)], virtual - lowIndex);
  }

  /** numpy's {@code _lerp}: from the nearer end, so results are monotonic and exact at both ends. */
  public static double lerp(double a, double b, double t) {
    double diff = b - a;
    return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
  }

  /** The plain arithmetic mean; NaN for no values. */
  public static double mean(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double s = 0;
    for (double v : values) {
      s += v;
    }
    return s / values.length;
  }

  static void checkPercent(double p) {
    if (!(p >= 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be within [0, 100], got " + p);
    }
  }
}
