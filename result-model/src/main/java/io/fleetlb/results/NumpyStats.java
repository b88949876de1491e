package io.fleetlb.results;

import java.util.Arrays;

/**
 * numpy's statistics, reproduced operation for operation so a figure here equals the one {@code
 * vllm bench serve} prints for the same data: {@code np.mean} (pairwise summation), {@code np.std}
 * (population) and {@code np.percentile} with its default linear method, including numpy's
 * two-sided lerp. The one implementation bench and analysis share. Every statistic of no values is
 * NaN; vLLM's convention of reporting an empty metric as 0 is applied where its keys are written.
 */
public final class NumpyStats {
  private static final int PW_BLOCKSIZE = 128;

  private NumpyStats() {}

  /** {@code np.percentile(values, p)}; NaN for no values. */
  public static double percentile(double[] values, double p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return percentileSorted(sorted, p);
  }

  /**
   * {@code np.percentile(a, p)} (linear method) on data already sorted ascending; NaN for no
   * values.
   */
  public static double percentileSorted(double[] sorted, double p) {
    checkPercent(p);
    int n = sorted.length;
    if (n == 0) {
      return Double.NaN;
    }
    // numpy >= 1.22 'linear': virtual index (n - 1) * q; at or past the last index take the maximum
    double virtual = (n - 1) * (p / 100.0);
    if (virtual >= n - 1) {
      return sorted[n - 1];
    }
    double lowIndex = Math.floor(virtual);
    int low = (int) Math.max(0, lowIndex);
    return lerp(sorted[low], sorted[Math.min(n - 1, low + 1)], virtual - lowIndex);
  }

  /**
   * numpy's {@code _lerp}: computed from the nearer end, so results are monotonic and exact at both
   * ends.
   */
  public static double lerp(double a, double b, double t) {
    double diff = b - a;
    return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
  }

  /** {@code np.mean}: pairwise sum divided by n; NaN for no values. */
  public static double mean(double[] a) {
    if (a.length == 0) {
      return Double.NaN;
    }
    return pairwiseSum(a, 0, a.length) / a.length;
  }

  /** {@code np.std} with ddof=0: sqrt(mean(|x - mean|^2)); NaN for no values. */
  public static double std(double[] a) {
    if (a.length == 0) {
      return Double.NaN;
    }
    double m = mean(a);
    double[] sq = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      double d = Math.abs(a[i] - m);
      sq[i] = d * d;
    }
    return Math.sqrt(pairwiseSum(sq, 0, sq.length) / a.length);
  }

  /** vLLM's key word for a percentile: "99" for 99.0, "99.9" for 99.9. */
  public static String percentileWord(double p) {
    return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
  }

  /** Throws unless {@code p} is a percentage in [0, 100]. */
  public static void checkPercent(double p) {
    if (!(p >= 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be within [0, 100], got " + p);
    }
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
      System.arraycopy(a, off, r, 0, 8);
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
}
