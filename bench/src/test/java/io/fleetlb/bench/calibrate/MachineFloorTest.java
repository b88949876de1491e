package io.fleetlb.bench.calibrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The floor test's arithmetic on a scripted clock: no real time is measured here. */
class MachineFloorTest {
  private static final long MS = 1_000_000L;

  /** A clock that advances by {@code stepNs} per reading, and once by {@code stallNs} extra. */
  private static LongSupplier clock(long stepNs, int stallAtReading, long stallNs) {
    long[] state = {0, 0};
    return () -> {
      long n = state[1]++;
      state[0] += stepNs + (n == stallAtReading ? stallNs : 0);
      return state[0];
    };
  }

  @Test
  void busyLoopRecordsEveryGapAndTheStallAsTheLargest() {
    Histogram h = MachineFloor.busyLoop(clock(100, 500, 5 * MS), 10 * MS);
    // 10 ms at 100 ns per reading, less the 5 ms stall: about 50,000 readings
    assertThat(h.getTotalCount()).isBetween(49_990L, 50_010L);
    assertThat(h.getMaxValue()).isBetween(5 * MS, 5 * MS + MS / 100);
    assertThat(h.getValueAtPercentile(99.9)).isLessThanOrEqualTo(101);
  }

  @Test
  void busyLoopStopsAtTheFirstReadingPastTheEnd() {
    Histogram h = MachineFloor.busyLoop(clock(MS, -1, 0), 3 * MS);
    assertThat(h.getTotalCount()).isEqualTo(3);
  }

  @Test
  void floorLagIsTheTimeWeightedRestOfTheGapARandomInstantFallsIn() {
    // 990 gaps of 1 ms and one of 10 ms: a random instant is in the long gap 1% of the time
    Histogram h = new Histogram(3_600_000_000_000L, 3);
    h.recordValueWithCount(MS, 990);
    h.recordValue(10 * MS);
    MachineFloor.Gaps g = new MachineFloor.Gaps(1, 1000 * MS, h);
    // P(lag > x) = 0.99 (1 - x) + 0.01 (1 - x / 10) for x < 1 ms: 1% at x = 0.999 ms
    assertThat(g.floorLagAtPercentileNs(99) / MS).isCloseTo(0.999, within(0.002));
    // P(lag > x) = 0.01 (1 - x / 10) for x >= 1 ms: 0.1% at x = 9 ms
    assertThat(g.floorLagAtPercentileNs(99.9) / MS).isCloseTo(9.0, within(0.02));
    assertThat(g.maxGapNs() / (double) MS).isCloseTo(10.0, within(0.01));
    assertThat(g.shareOfTimeInGapsAbove(5 * MS)).isCloseTo(0.01, within(0.0001));
  }

  @Test
  void aMachineWithoutStallsHasNoFloorLagBeyondItsReadingGap() {
    Histogram h = new Histogram(3_600_000_000_000L, 3);
    h.recordValueWithCount(50, 1_000_000);
    MachineFloor.Gaps g = new MachineFloor.Gaps(2, 50 * MS, h);
    assertThat(g.floorLagAtPercentileNs(99.9)).isLessThanOrEqualTo(50);
    assertThat(g.shareOfTimeInGapsAbove(100_000)).isZero();
    assertThat(g.toJson().path("threads").asInt()).isEqualTo(2);
    assertThat(g.describe()).contains("2 threads").contains("largest gap 0.000 ms");
  }

  @Test
  void anEmptyHistogramReportsZeroes() {
    MachineFloor.Gaps g = new MachineFloor.Gaps(1, 0, new Histogram(3));
    assertThat(g.maxGapNs()).isZero();
    assertThat(g.floorLagAtPercentileNs(99)).isZero();
    assertThat(g.shareOfTimeInGapsAbove(1)).isZero();
  }
}
