package io.fleetlb.bench.calibrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The ladder's miss rule and ceiling, as pure functions of the verdicts. */
class LadderRuleTest {
  private static final List<Double> RATES = List.of(1000.0, 2000.0, 4000.0, 6000.0, 8000.0);

  @Test
  void oneStrayMissDoesNotEndTheLadderButIsReported() {
    List<Boolean> held = List.of(false, true, true);
    assertThat(LadderRule.stop(List.of(false))).isFalse();
    assertThat(LadderRule.stop(held)).isFalse();
    assertThat(LadderRule.ceiling(RATES, held)).isEqualTo(4000.0);
    assertThat(LadderRule.isolatedMisses(RATES, held)).containsExactly(1000.0);
  }

  @Test
  void twoMissesInARowEndTheLadder() {
    List<Boolean> held = List.of(true, true, false, false);
    assertThat(LadderRule.stop(held)).isTrue();
    assertThat(LadderRule.ceiling(RATES, held)).isEqualTo(2000.0);
    assertThat(LadderRule.isolatedMisses(RATES, held)).isEmpty();
    assertThat(LadderRule.ceiling(RATES, List.of(false, false))).isZero();
  }

  @Test
  void theLagLimitRisesToTheMachineFloorOnlyWhenTheFloorIsHigher() {
    assertThat(LadderRule.lagLimitMs(1.0, 0.02)).isEqualTo(1.0);
    assertThat(LadderRule.lagLimitMs(1.0, 3.5)).isEqualTo(3.5);
  }
}
