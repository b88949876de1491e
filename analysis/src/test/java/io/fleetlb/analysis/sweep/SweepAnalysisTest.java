package io.fleetlb.analysis.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetlb.analysis.SyntheticRun;
import io.fleetlb.analysis.compare.Comparison;
import io.fleetlb.results.Slo;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Capacity under the SLO from sweep points, and reading a sweep directory. */
class SweepAnalysisTest {
  @TempDir Path dir;

  static SweepPoint p(double rate, double goodPct, boolean valid) {
    return new SweepPoint(
        rate, "a", "", 1, valid, 100, 10, goodPct, 1000, 2, 500, 100, 0, valid && goodPct >= 90);
  }

  @Test
  void capacityIsTheHighestRateWithEveryLowerRateMeetingTheTarget() {
    ArmCapacity c =
        SweepAnalysis.capacity(
            "a", List.of(p(2, 99, true), p(4, 95, true), p(6, 80, true), p(8, 93, true)), 90);
    assertThat(c.capacityRps()).isEqualTo(4.0);
    assertThat(c.atLeast()).isFalse();
    // goodput falls from 95% at 4 to 80% at 6: crosses 90% a third of the way
    assertThat(c.interpolatedRps())
        .isCloseTo(4 + 2 * 5.0 / 15, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void allMeetingIsALowerBoundAndNoneMeetingIsUnknown() {
    ArmCapacity all = SweepAnalysis.capacity("a", List.of(p(2, 99, true), p(4, 95, true)), 90);
    assertThat(all.capacityRps()).isEqualTo(4.0);
    assertThat(all.atLeast()).isTrue();
    ArmCapacity none = SweepAnalysis.capacity("a", List.of(p(2, 50, true), p(4, 40, true)), 90);
    assertThat(none.capacityRps()).isNull();
    ArmCapacity invalid = SweepAnalysis.capacity("a", List.of(p(2, 99, true), p(4, 99, false)), 90);
    assertThat(invalid.capacityRps()).isEqualTo(2.0);
    assertThat(invalid.interpolatedRps()).isEqualTo(2.0);
  }

  @Test
  void readsASweepDirectoryAndComputesTheGain() {
    Slo slo = new Slo(1000.0, null, null);
    for (int rate : new int[] {2, 4, 8}) {
      String h = Integer.toString(rate).repeat(64);
      // baseline holds TTFT under the SLO up to 4 req/s, managed up to 8
      SyntheticRun.of(20)
          .hash(h)
          .duration(20.0 / rate)
          .ttft(i -> rate >= 8 ? 2000 : 100)
          .write(dir.resolve("rate-" + rate + "/baseline/rep1"));
      SyntheticRun.of(20)
          .hash(h)
          .duration(20.0 / rate)
          .ttft(i -> 100)
          .write(dir.resolve("rate-" + rate + "/managed/rep1"));
    }
    SweepResult s = SweepAnalysis.analyse(dir, slo, 0.9);
    assertThat(s.rates()).containsExactly(2.0, 4.0, 8.0);
    assertThat(s.baselineCapacity().capacityRps()).isEqualTo(4.0);
    assertThat(s.managedCapacity().capacityRps()).isEqualTo(8.0);
    assertThat(s.managedCapacity().atLeast()).isTrue();
    assertThat(s.gainPct()).isEqualTo(100.0);
    assertThat(s.gainNote()).contains("may be higher");
    assertThat(s.baseline().get(2).goodputPct()).isZero();
    assertThat(s.managed().get(0).tokensPerSPerUser()).isEqualTo(100); // 1000 / 10 ms TPOT
  }

  @Test
  void refusesMismatchedWorkloadsAtOneRate() {
    SyntheticRun.of(5).hash("1".repeat(64)).write(dir.resolve("rate-1/baseline/rep1"));
    SyntheticRun.of(5).hash("2".repeat(64)).write(dir.resolve("rate-1/managed/rep1"));
    assertThatThrownBy(() -> SweepAnalysis.analyse(dir, Comparison.DEFAULT_SLO, 0.9))
        .hasMessageContaining("different workloads");
    assertThatThrownBy(
            () ->
                SweepAnalysis.analyse(dir.resolve("rate-1/baseline"), Comparison.DEFAULT_SLO, 0.9))
        .hasMessageContaining("no rate-<R> directories");
  }
}
