package io.fleetlb.analysis.stats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VerdictTest {
  @Test
  void anIntervalContainingZeroIsSame() {
    assertThat(Verdict.of(Direction.LOWER_IS_BETTER, new Interval(-5, 3))).isEqualTo(Verdict.SAME);
    assertThat(Verdict.of(Direction.LOWER_IS_BETTER, null)).isEqualTo(Verdict.SAME);
  }

  @Test
  void theDirectionDecidesBetterOrWorse() {
    assertThat(Verdict.of(Direction.LOWER_IS_BETTER, new Interval(-5, -1)))
        .isEqualTo(Verdict.BETTER);
    assertThat(Verdict.of(Direction.HIGHER_IS_BETTER, new Interval(-5, -1)))
        .isEqualTo(Verdict.WORSE);
    assertThat(Verdict.of(Direction.HIGHER_IS_BETTER, new Interval(1, 5)))
        .isEqualTo(Verdict.BETTER);
  }

  @Test
  void aSignificantChangeBelowTheMarginIsSame() {
    Interval narrow = new Interval(-1.7, -1.3);
    assertThat(Verdict.of(Direction.HIGHER_IS_BETTER, narrow, -1.5, 2)).isEqualTo(Verdict.SAME);
    assertThat(Verdict.of(Direction.HIGHER_IS_BETTER, narrow, -1.5, 0)).isEqualTo(Verdict.WORSE);
    assertThat(Verdict.of(Direction.HIGHER_IS_BETTER, new Interval(8.9, 9.1), 9.0, 2))
        .isEqualTo(Verdict.BETTER);
    // a baseline of 0 has no relative change: the margin does not apply
    assertThat(Verdict.of(Direction.LOWER_IS_BETTER, new Interval(1, 2), Double.NaN, 2))
        .isEqualTo(Verdict.WORSE);
  }
}
