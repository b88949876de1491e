package io.fleetlb.bench.arrival;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.fleetlb.bench.workload.Rng;
import org.junit.jupiter.api.Test;

/**
 * The arrival processes' statistics with fixed seeds (tolerances are many standard errors wide).
 */
class ArrivalsTest {
  static double[] gaps(long[] offsets) {
    double[] g = new double[offsets.length];
    long prev = 0;
    for (int i = 0; i < offsets.length; i++) {
      g[i] = (offsets[i] - prev) / 1e9;
      prev = offsets[i];
    }
    return g;
  }

  static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  static double cv(double[] x) {
    double m = mean(x);
    double s = 0;
    for (double v : x) {
      s += (v - m) * (v - m);
    }
    return Math.sqrt(s / x.length) / m;
  }

  @Test
  void poissonHasTheRateAndExponentialGaps() {
    long[] o = new GammaArrivals(200, 1.0).offsetsNanos(20_000, new Rng(7, "arrivals"));
    double[] g = gaps(o);
    assertThat(1 / mean(g))
        .isCloseTo(200, within(0.5)); // the rescale makes it exact up to rounding
    assertThat(cv(g)).isCloseTo(1.0, within(0.03));
    // exponential: P(gap > mean) = 1/e
    double m = mean(g);
    long above = java.util.Arrays.stream(g).filter(v -> v > m).count();
    assertThat(above / (double) g.length).isCloseTo(Math.exp(-1), within(0.015));
  }

  @Test
  void gammaBurstinessSetsTheCoefficientOfVariation() {
    // CV of a Gamma(shape k) variable is 1 / sqrt(k)
    for (double k : new double[] {0.25, 0.5, 4.0}) {
      double[] g = gaps(new GammaArrivals(100, k).offsetsNanos(40_000, new Rng(3, "arrivals")));
      assertThat(cv(g))
          .as("cv for burstiness %s", k)
          .isCloseTo(1 / Math.sqrt(k), within(0.06 / Math.sqrt(k)));
      assertThat(1 / mean(g)).isCloseTo(100, within(0.2));
    }
  }

  @Test
  void rescaleLandsTheLastArrivalExactlyAtNOverRate() {
    for (long seed = 0; seed < 5; seed++) {
      long[] o = new GammaArrivals(37.5, 0.7).offsetsNanos(1234, new Rng(seed, "arrivals"));
      assertThat(o[o.length - 1]).isEqualTo(Math.round(1234 / 37.5 * 1e9));
      for (int i = 1; i < o.length; i++) {
        assertThat(o[i]).isGreaterThanOrEqualTo(o[i - 1]);
      }
    }
  }

  @Test
  void constantSpacingIsExact() {
    long[] o = new GammaArrivals(4, Double.POSITIVE_INFINITY).offsetsNanos(8, new Rng(0, "a"));
    assertThat(o)
        .containsExactly(
            250_000_000L,
            500_000_000L,
            750_000_000L,
            1_000_000_000L,
            1_250_000_000L,
            1_500_000_000L,
            1_750_000_000L,
            2_000_000_000L);
  }

  @Test
  void sameSeedSameScheduleOtherSeedOther() {
    long[] a = new GammaArrivals(50, 1).offsetsNanos(100, new Rng(11, "arrivals"));
    long[] b = new GammaArrivals(50, 1).offsetsNanos(100, new Rng(11, "arrivals"));
    long[] c = new GammaArrivals(50, 1).offsetsNanos(100, new Rng(12, "arrivals"));
    assertThat(a).isEqualTo(b);
    assertThat(a).isNotEqualTo(c);
  }

  @Test
  void linearRampSpeedsUp() {
    RampArrivals ramp =
        new RampArrivals(RampArrivals.Strategy.LINEAR, 10, 100, Double.POSITIVE_INFINITY);
    assertThat(ramp.rateAt(0, 11)).isEqualTo(10);
    assertThat(ramp.rateAt(5, 11)).isEqualTo(55);
    assertThat(ramp.rateAt(10, 11)).isEqualTo(100);
    long[] o = ramp.offsetsNanos(11, new Rng(0, "a"));
    assertThat(o[0]).isEqualTo(100_000_000L); // first gap at 10 req/s
    assertThat(o[10] - o[9]).isEqualTo(10_000_000L); // last gap at 100 req/s
    RampArrivals exp = new RampArrivals(RampArrivals.Strategy.EXPONENTIAL, 1, 100, 1);
    assertThat(exp.rateAt(1, 3)).isCloseTo(10, within(1e-9));
  }

  @Test
  void traceArrivalsShiftAndScale() {
    long[] o =
        new TraceArrivals(new long[] {5_000_000_000L, 5_500_000_000L, 7_000_000_000L}, 0.5)
            .offsetsNanos(3, null);
    assertThat(o).containsExactly(0L, 250_000_000L, 1_000_000_000L);
    assertThatThrownBy(() -> new TraceArrivals(new long[] {1}, 1).offsetsNanos(2, null))
        .hasMessageContaining("has 1 timestamps");
  }

  @Test
  void allAtOnceIsAClosedLoopSchedule() {
    assertThat(ArrivalProcess.allAtOnce().offsetsNanos(3, null)).containsExactly(0L, 0L, 0L);
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> new GammaArrivals(0, 1)).hasMessageContaining("request rate");
    assertThatThrownBy(() -> new GammaArrivals(10, 0)).hasMessageContaining("burstiness");
    assertThatThrownBy(() -> new TraceArrivals(new long[] {0}, 0))
        .hasMessageContaining("time scale");
  }
}
