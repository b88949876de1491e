package io.fleetlb.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Expected values are numpy 2.4.6's own outputs (np.percentile, np.mean, np.std, np.median),
 * compared exactly.
 */
class NumpyStatsTest {
  private static final double[] VALUES = {
    0.1,
    0.7,
    0.25,
    3.3,
    1e-3,
    12.5,
    7.77,
    0.3333,
    2.2,
    9.9,
    4.4,
    0.15,
    100.01,
    5.5,
    6.25,
    0.9,
    8.125,
    3.1415926,
    2.718281828,
    1.4142
  };

  private static double pct(double[] v, double p) {
    double[] s = v.clone();
    Arrays.sort(s);
    return NumpyStats.percentileSorted(s, p);
  }

  @Test
  void percentilesEqualNumpyBitForBit() {
    assertThat(pct(VALUES, 0)).isEqualTo(0.001);
    assertThat(pct(VALUES, 1)).isEqualTo(0.01981);
    assertThat(pct(VALUES, 25)).isEqualTo(0.608325);
    assertThat(pct(VALUES, 50)).isEqualTo(2.9299372139999997);
    assertThat(pct(VALUES, 90)).isEqualTo(10.160000000000004);
    assertThat(pct(VALUES, 95)).isEqualTo(16.875500000000063);
    assertThat(pct(VALUES, 99)).isEqualTo(83.3830999999999);
    assertThat(pct(VALUES, 99.9)).isEqualTo(98.34731000000015);
    assertThat(pct(VALUES, 100)).isEqualTo(100.01);
    assertThat(pct(VALUES, 33.3)).isEqualTo(1.0681433999999994);
    assertThat(pct(new double[] {0.1, 0.7}, 30)).isEqualTo(0.28);
  }

  @Test
  void handComputedPercentilesOfFourValues() {
    double[] v = {4, 1, 3, 2};
    assertThat(pct(v, 50)).isEqualTo(2.5);
    assertThat(pct(v, 90)).isEqualTo(3.7);
    assertThat(pct(v, 99)).isEqualTo(3.9699999999999998);
    assertThat(pct(v, 0)).isEqualTo(1);
    assertThat(pct(v, 100)).isEqualTo(4);
    assertThat(pct(new double[] {42}, 99)).isEqualTo(42);
  }

  @Test
  void meanStdMedianEqualNumpy() {
    assertThat(NumpyStats.mean(VALUES)).isEqualTo(8.4831687214);
    assertThat(NumpyStats.std(VALUES)).isEqualTo(21.29381694949971);
    assertThat(NumpyStats.percentile(VALUES, 50)).isEqualTo(2.9299372139999997);
    assertThat(NumpyStats.std(new double[] {100, 200, 50})).isEqualTo(62.36095644623236);
  }

  @Test
  void pairwiseSummationMatchesNumpyOnLongArrays() {
    // 300 values exercise numpy's recursive pairwise sum (blocks of 128, unrolled by 8)
    double[] b = IntStream.range(0, 300).mapToDouble(i -> 0.1 * i + 0.01 * (i % 7)).toArray();
    assertThat(NumpyStats.mean(b)).isEqualTo(14.9799);
    assertThat(NumpyStats.std(b)).isEqualTo(8.660518555875663);
    assertThat(pct(b, 99)).isEqualTo(29.6211);
    assertThat(pct(b, 50)).isEqualTo(14.975);
  }

  @Test
  void thousandValuesEqualNumpy() {
    double[] a =
        IntStream.range(0, 1000).mapToDouble(i -> (i * 7919 % 1000) / 7.0 + Math.sqrt(i)).toArray();
    assertThat(pct(a, 50)).isEqualTo(92.50059405212494);
    assertThat(pct(a, 90)).isEqualTo(149.6940902449315);
    assertThat(pct(a, 95)).isEqualTo(157.71325471234434);
    assertThat(pct(a, 99)).isEqualTo(167.19284969263745);
    assertThat(pct(a, 99.9)).isEqualTo(172.4312786740235);
    assertThat(pct(a, 12.34)).isEqualTo(38.99934258507747);
    assertThat(NumpyStats.mean(a)).isEqualTo(92.4229759680219);
    assertThat(NumpyStats.std(a)).isEqualTo(41.910900285156735);
  }

  @Test
  void lerpIsComputedFromTheNearerEndAsNumpyDoes() {
    // numpy: t >= 0.5 -> b - (b - a) * (1 - t); exact at t = 1 and monotonic
    assertThat(NumpyStats.lerp(0.1, 0.7, 1.0)).isEqualTo(0.7);
    assertThat(NumpyStats.lerp(0.1, 0.7, 0.0)).isEqualTo(0.1);
    assertThat(NumpyStats.lerp(1, 3, 0.75)).isEqualTo(2.5);
  }

  @Test
  void noValuesHaveNoStatistics() {
    assertThat(NumpyStats.mean(new double[0])).isNaN();
    assertThat(NumpyStats.std(new double[0])).isNaN();
    assertThat(NumpyStats.percentile(new double[0], 99)).isNaN();
  }

  @Test
  void percentileWordsFollowVllm() {
    assertThat(NumpyStats.percentileWord(99.0)).isEqualTo("99");
    assertThat(NumpyStats.percentileWord(99.9)).isEqualTo("99.9");
    assertThat(NumpyStats.percentileWord(50)).isEqualTo("50");
  }

  @Test
  void rejectsPercentilesOutsideRange() {
    assertThatThrownBy(() -> pct(VALUES, 101)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> pct(VALUES, -0.5)).hasMessageContaining("-0.5");
  }
}
