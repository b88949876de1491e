package io.fleetlb.analysis.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Verdicts follow the interval and the metric's direction. */
class VerdictTest {
  @Test
  void intervalContainingZeroIsSame() {
    assertThat(Verdict.of(Direction.LOWER_IS_BETTER, new Interval(-3, 2))).isEqualTo(Verdict.SAME);
    assertThat(Verdict.of(Direction.HIGHER_IS_BETTER, new Interval(0, 2))).isEqualTo(Verdict.SAME);
    assertThat(Verdict.of(Direction.HIGHER_IS_BETTER, null)).isEqualTo(Verdict.SAME);
  }

  @Test
  void directionDecidesBetterOrWorse() {
    assertThat(Verdict.of(Direction.LOWER_IS_BETTER, new Interval(-9, -1))).isEqualTo(Verdict.BETTER);
    assertThat(Verdict.of(Direction.LOWER_IS_BETTER, new Interval(1, 9))).isEqualTo(Verdict.WORSE);
    assertThat(Verdict.of(Direction.HIGHER_IS_BETTER, new Interval(1, 9))).isEqualTo(Verdict.BETTER);
    assertThat(Verdict.of(Direction.HIGHER_IS_BETTER, new Interval(-9, -1))).isEqualTo(Verdict.WORSE);
    assertThat(Verdict.BETTER.word()).isEqualTo("better");
  }

  @Test
  void percentileIntervalOfADistribution() {
    double[] draws = new double[101];
    for (int i = 0; i <= 100; i++) {
      draws[i] = 100 - i;
    }
    Interval ci = Interval.percentile95(draws);
    assertThat(ci.lo()).isEqualTo(2.5);
    assertThat(ci.hi()).isEqualTo(97.5);
    assertThat(Interval.percentile95(new double[] {Double.NaN})).isNull();
    assertThatThrownBy(() -> new Interval(2, 1)).hasMessageContaining("not an interval");
  }
}
