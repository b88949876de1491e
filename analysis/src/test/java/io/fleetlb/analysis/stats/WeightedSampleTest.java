package io.fleetlb.analysis.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.results.NumpyStats;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A weighted percentile must equal np.percentile of the sample expanded by the weights, bit for
 * bit.
 */
class WeightedSampleTest {
  @Test
  void equalsThePercentileOfTheExpandedSample() {
    SplittableRandom rnd = new SplittableRandom(42);
    for (int trial = 0; trial < 200; trial++) {
      int units = 1 + rnd.nextInt(30);
      int n = 1 + rnd.nextInt(80);
      double[] values = new double[n];
      int[] owners = new int[n];
      for (int k = 0; k < n; k++) {
        values[k] = rnd.nextInt(5) == 0 ? 3.0 : Math.exp(rnd.nextGaussian()); // ties included
        owners[k] = rnd.nextInt(units);
      }
      int[] w = new int[units];
      for (int u = 0; u < units; u++) {
        w[u] = rnd.nextInt(4);
      }
      double[] expanded = expand(values, owners, w);
      WeightedSample s = new WeightedSample(values, owners, units);
      for (double p : new double[] {0, 2.5, 25, 50, 90, 97.5, 99, 99.9, 100}) {
        double want = NumpyStats.percentile(expanded, p);
        assertThat(Double.valueOf(s.percentile(w, p)))
            .as("trial %d p%s", trial, p)
            .isEqualTo(Double.valueOf(want));
      }
      double mean =
          expanded.length == 0 ? Double.NaN : Arrays.stream(expanded).sum() / expanded.length;
      if (expanded.length == 0) {
        assertThat(s.mean(w)).isNaN();
      } else {
        assertThat(s.mean(w))
            .isCloseTo(
                mean, org.assertj.core.data.Offset.offset(1e-9 * Math.max(1, Math.abs(mean))));
      }
    }
  }

  @Test
  void unitWeightsGiveThePlainPercentile() {
    double[] v = {5, 1, 4, 2, 3};
    WeightedSample s = new WeightedSample(v, new int[] {0, 1, 2, 3, 4}, 5);
    assertThat(s.percentile(new int[] {1, 1, 1, 1, 1}, 50)).isEqualTo(3);
    assertThat(s.percentile(new int[] {0, 0, 0, 0, 0}, 50)).isNaN();
    // unit 4 (value 3) drawn three times, unit 0 (value 5) never: [1, 2, 3, 3, 3, 4]
    assertThat(s.percentile(new int[] {0, 1, 1, 1, 3}, 50)).isEqualTo(3);
  }

  private static double[] expand(double[] values, int[] owners, int[] w) {
    java.util.List<Double> out = new java.util.ArrayList<>();
    for (int k = 0; k < values.length; k++) {
      for (int c = 0; c < w[owners[k]]; c++) {
        out.add(values[k]);
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
