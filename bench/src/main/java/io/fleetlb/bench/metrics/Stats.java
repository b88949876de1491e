package io.fleetlb.bench.metrics;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * numpy's statistics, reproduced operation for operation so our figures equal
 * {@code vllm bench serve}'s: {@code np.mean} (pairwise summation), {@code np.std} (population),
 * {@code np.median} and {@code np.percentile} with the default linear method, including numpy's
 * two-sided lerp. An empty input gives 0 everywhere, as vLLM's {@code np.mean(x or 0)} does.
 */
public final class Stats {
  private static final int PW_BLOCKSIZE = 128;

  private Stats() {
  }

  /** Mean, median, population std and the requested percentiles of one metric. */
  public record Summary(int count, double mean, double median, double std, double min, double max,
      Map<Double, Double> percentiles) {

    public double percentile(double p) {
      Double v = percentiles.get(p);
      if (v == null) {
        throw new IllegalArgumentException("percentile " + p + " was not computed");
      }
      return v;
    }
  }

  public static Summary summarize(double[] values, List<Double> percentiles) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    Map<Double, Double> ps = new LinkedHashMap<>();
    for (double p : percentiles) {
      ps.put(p, percentileSorted(sorted, p));
    }
    if (values.length == 0) {
      return new Summary(0, 0, 0, 0, 0, 0, ps);
    }
    return new Summary(values.length, mean(values), percentileSorted(sorted, 50), std(values),
        sorted[0], sorted[sorted.length - 1], ps);
  }

  /** {@code np.mean}: pairwise sum divided by n. */
  public static double mean(double[] a) {
    if (a.length == 0) {
      return 0;
    }
    return pairwiseSum(a, 0, a.length) / a.length;
  }

  /** {@code np.std} with ddof=0: sqrt(mean(|x - mean|^2)). */
  public static double std(double[] a) {
    if (a.length == 0) {
      return 0;
    }
    double m = mean(a);
    double[] sq = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      double d = Math.abs(a[i] - m);
      sq[i] = d * d;
    }
    return Math.sqrt(pairwiseSum(sq, 0, sq.length) / a.length);
  }

  /** {@code np.percentile(a, p)} (linear method) on data already sorted ascending. */
  public static double percentileSorted(double[] sorted, double p) {
    if (!(p >= 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be within [0, 100], got " + p);
    }
    int n = sorted.length;
    if (n == 0) {
      return 0;
    }
    double q = p / 100.0;
    // numpy >= 1.22 'linear': virtual index (n - 1) * q; at or past the last index take the maximum
    double virtual = (n - 1) * q;
    if (virtual >= n - 1) {
      return sorted[n - 1];
    }
    double prevIdx = Math.floor(virtual);
    double gamma = virtual - prevIdx;
    int prev = (int) Math.max(0, prevIdx);
    int next = Math.min(n - 1, prev + 1);
    return lerp(sorted[prev], sorted[next], gamma);
  }

  /** numpy's {@code _lerp}: computed from the nearer end so results are monotonic and exact at t=1. */
  static double lerp(double a, double b, double t) {
    double diff = b - a;
    return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
  }

  /** numpy's pairwise summation (umath loops), which decides the last bits of np.mean. */
  static double pairwiseSum(double[] a, int off, int n) {
    if (n < 8) {
      double res = 0.0;
      for (int i = 0; i < n; i++) {
        res += a[off + i];
      }
      return res;
    } else if (n <= PW_BLOCKSIZE) {
      double[] r = new double[8];
      for (int j = 0; j < 8; j++) {
        r[j] = a[off + j];
      }
      int i;
      for (i = 8; i < n - (n % 8); i += 8) {
        for (int j = 0; j < 8; j++) {
          r[j] += a[off + i + j];
        }
      }
      double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
      for (; i < n; i++) {
        res += a[off + i];
      }
      return res;
    } else {
      int n2 = n / 2;
      n2 -= n2 % 8;
      return pairwiseSum(a, off, n2) + pairwiseSum(a, off + n2, n - n2);
    }
  }

  /** vLLM's key word for a percentile: "99" for 99.0, "99.9" for 99.9. */
  public static String percentileWord(double p) {
    return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
  }
}
