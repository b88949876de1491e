package io.fleetlb.analysis.stats;

import io.fleetlb.results.NumpyStats;
import java.util.Arrays;

/**
 * Values sorted once, each owned by a unit (a request of a repetition), whose statistics are then
 * taken many times under integer unit weights: a bootstrap resample is a weight per unit (how often
 * it was drawn), and a weighted percentile here equals {@code np.percentile} of the sample expanded
 * by those weights, without building or sorting it.
 */
public final class WeightedSample {
  private final double[] values;
  private final int[] owners;
  private final int[] countPerUnit;
  private final double[] sumPerUnit;

  /**
   * @param values a value per element
   * @param owners the unit of each element, in {@code [0, units)}
   * @param units the number of units the weights will be given for
   */
  public WeightedSample(double[] values, int[] owners, int units) {
    if (values.length != owners.length) {
      throw new IllegalArgumentException("values and owners differ in length");
    }
    Integer[] order = new Integer[values.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
    this.values = new double[values.length];
    this.owners = new int[values.length];
    this.countPerUnit = new int[units];
    this.sumPerUnit = new double[units];
    for (int k = 0; k < order.length; k++) {
      this.values[k] = values[order[k]];
      this.owners[k] = owners[order[k]];
      countPerUnit[this.owners[k]]++;
      sumPerUnit[this.owners[k]] += this.values[k];
    }
  }

  /** Number of elements (with unit weights). */
  public int size() {
    return values.length;
  }

  /** The number of elements in the expanded sample: sum over units of weight x elements. */
  public long total(int[] weights) {
    long t = 0;
    for (int u = 0; u < countPerUnit.length; u++) {
      t += (long) weights[u] * countPerUnit[u];
    }
    return t;
  }

  /** The mean of the expanded sample; NaN when it is empty. */
  public double mean(int[] weights) {
    long n = 0;
    double s = 0;
    for (int u = 0; u < countPerUnit.length; u++) {
      if (weights[u] != 0 && countPerUnit[u] != 0) {
        n += (long) weights[u] * countPerUnit[u];
        s += weights[u] * sumPerUnit[u];
      }
    }
    return n == 0 ? Double.NaN : s / n;
  }

  /** {@code np.percentile(expanded, p)}; NaN when the expanded sample is empty. */
  public double percentile(int[] weights, double p) {
    NumpyStats.checkPercent(p);
    long n = total(weights);
    if (n == 0) {
      return Double.NaN;
    }
    double virtual = (n - 1) * (p / 100.0);
    if (virtual >= n - 1) {
      return top(weights);
    }
    double lowIndex = Math.floor(virtual);
    long low = (long) Math.max(0, lowIndex);
    // one walk from the nearer end finds both neighbours: p99 of a large sample touches its top 1%
    // only
    return low < n / 2
        ? fromBottom(weights, low, virtual - lowIndex)
        : fromTop(weights, n - 2 - low, virtual - lowIndex);
  }

  private double fromBottom(int[] weights, long low, double t) {
    long cum = 0;
    for (int k = 0; k < values.length; k++) {
      cum += weights[owners[k]];
      if (cum > low) {
        double a = values[k];
        return NumpyStats.lerp(a, cum > low + 1 ? a : nextUp(weights, k), t);
      }
    }
    throw new IllegalStateException("rank " + low + " outside the sample");
  }

  /** {@code upperFromTop} is the rank, counted from the top, of the upper neighbour. */
  private double fromTop(int[] weights, long upperFromTop, double t) {
    long cum = 0;
    for (int k = values.length - 1; k >= 0; k--) {
      cum += weights[owners[k]];
      if (cum > upperFromTop) {
        double b = values[k];
        return NumpyStats.lerp(cum > upperFromTop + 1 ? b : nextDown(weights, k), b, t);
      }
    }
    throw new IllegalStateException("rank " + upperFromTop + " from the top outside the sample");
  }

  private double top(int[] weights) {
    for (int k = values.length - 1; k >= 0; k--) {
      if (weights[owners[k]] > 0) {
        return values[k];
      }
    }
    throw new IllegalStateException("empty sample");
  }

  private double nextUp(int[] weights, int k) {
    for (int j = k + 1; j < values.length; j++) {
      if (weights[owners[j]] > 0) {
        return values[j];
      }
    }
    throw new IllegalStateException("no element above index " + k);
  }

  private double nextDown(int[] weights, int k) {
    for (int j = k - 1; j >= 0; j--) {
      if (weights[owners[j]] > 0) {
        return values[j];
      }
    }
    throw new IllegalStateException("no element below index " + k);
  }
}
