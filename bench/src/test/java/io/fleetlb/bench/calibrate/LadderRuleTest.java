package io.fleetlb.bench.calibrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
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
  void theCeilingIsNarrowedHalfwayTowardsTheMissedRateAboveUntilWithinTenPercent() {
    List<Double> rates = new ArrayList<>(RATES.subList(0, 4));
    List<Boolean> held = new ArrayList<>(List.of(true, true, true, false));
    // held 4,000, missed 6,000: 5,000 next
    assertThat(LadderRule.refinement(rates, held, 0.1)).hasValue(5000.0);
    rates.add(5000.0);
    held.add(true);
    // held 5,000, missed 6,000 (20 % above): 5,500
    assertThat(LadderRule.refinement(rates, held, 0.1)).hasValue(5500.0);
    rates.add(5500.0);
    held.add(false);
    // held 5,000, missed 5,500: within 10 %, done; the ceiling is 5,000 and no miss lies below it
    assertThat(LadderRule.refinement(rates, held, 0.1)).isEmpty();
    assertThat(LadderRule.ceiling(rates, held)).isEqualTo(5000.0);
    assertThat(LadderRule.isolatedMisses(rates, held)).isEmpty();
    // downwards: held 4,000, missed 5,000 -> 4,500
    assertThat(LadderRule.refinement(List.of(4000.0, 6000.0, 5000.0), List.of(true, false, false),
        0.1)).hasValue(4500.0);
    // rounded to two significant digits
    assertThat(LadderRule.refinement(List.of(1000.0, 1333.0), List.of(true, false), 0.1))
        .hasValue(1200.0);
  }

  @Test
  void onlyTheNearestMissAboveTheCeilingIsRefinedTowards() {
    // 2,000 held, 4,000 missed: refine towards 4,000
    assertThat(LadderRule.nearestMissAbove(List.of(1000.0, 2000.0, 4000.0),
        List.of(true, true, false), 4000.0)).isTrue();
    // refined to 2,500 held and 3,000 missed, then 6,000 missed: not after the overload
    assertThat(LadderRule.nearestMissAbove(List.of(1000.0, 2000.0, 4000.0, 3000.0, 2500.0, 6000.0),
        List.of(true, true, false, false, true, false), 6000.0)).isFalse();
    // nothing held: no ceiling to narrow, and a miss below the ceiling is not above it
    assertThat(LadderRule.refinement(List.of(1000.0), List.of(false), 0.1)).isEmpty();
    assertThat(LadderRule.nearestMissAbove(List.of(1000.0, 2000.0), List.of(false, true), 1000.0))
        .isFalse();
  }

  @Test
  void nothingToNarrowWithoutAHeldRateOrAMissAboveIt() {
    assertThat(LadderRule.refinement(RATES.subList(0, 2), List.of(false, false), 0.1)).isEmpty();
    assertThat(LadderRule.refinement(RATES.subList(0, 3), List.of(true, true, true), 0.1))
        .isEmpty();
    // a miss below the ceiling is not a bound above it
    assertThat(LadderRule.refinement(RATES.subList(0, 3), List.of(false, true, true), 0.1))
        .isEmpty();
  }

  @Test
  void theLagLimitRisesToTheMachineFloorOnlyWhenTheFloorIsHigher() {
    assertThat(LadderRule.lagLimitMs(1.0, 0.02)).isEqualTo(1.0);
    assertThat(LadderRule.lagLimitMs(1.0, 3.5)).isEqualTo(3.5);
  }
}
