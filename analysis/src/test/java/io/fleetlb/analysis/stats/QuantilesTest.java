package io.fleetlb.analysis.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Percentiles against values computed by hand with numpy's linear method. */
class QuantilesTest {
  @Test
  void matchesNumpyLinearInterpolation() {
    // np.percentile([1, 2, 3, 4], 50) = 2.5: virtual index 1.5
    assertThat(Quantiles.percentile(new double[] {4, 1, 3, 2}, 50)).isEqualTo(2.5);
    // np.percentile([15, 20, 35, 40, 50], 99): index 3.96 -> 40 + 0.96 * 10 = 49.6
    assertThat(Quantiles.percentile(new double[] {15, 20, 35, 40, 50}, 99)).isCloseTo(49.6, org.assertj.core.data.Offset.offset(1e-12));
    // np.percentile(range(1, 11), 90) = 9.1: index 8.1
    double[] ten = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    assertThat(Quantiles.percentile(ten, 90)).isCloseTo(9.1, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(Quantiles.percentile(ten, 0)).isEqualTo(1);
    assertThat(Quantiles.percentile(ten, 100)).isEqualTo(10);
    assertThat(Quantiles.percentile(new double[] {7}, 99)).isEqualTo(7);
  }

  @Test
  void lerpIsComputedFromTheNearerEndAsNumpyDoes() {
    // numpy: t >= 0.5 -> b - (b - a) * (1 - t); exact at t = 1 and monotonic
    assertThat(Quantiles.lerp(0.1, 0.7, 1.0)).isEqualTo(0.7);
    assertThat(Quantiles.lerp(0.1, 0.7, 0.0)).isEqualTo(0.1);
    assertThat(Quantiles.lerp(1, 3, 0.75)).isEqualTo(2.5);
  }

  @Test
  void emptyIsNaNAndPercentBoundsAreChecked() {
    assertThat(Quantiles.percentile(new double[0], 50)).isNaN();
    assertThat(Quantiles.mean(new double[0])).isNaN();
    assertThatThrownBy(() -> Quantiles.percentile(new double[] {1}, 101)).hasMessageContaining("[0, 100]");
  }
}
