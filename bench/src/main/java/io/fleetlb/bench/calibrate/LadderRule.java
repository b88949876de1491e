package io.fleetlb.bench.calibrate;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * What counts as a miss on calibrate's ladder, and where it stops. A rate is held when no request
 * failed, achieved/offered is at least the minimum and the p99 schedule lag is within the lag
 * limit: the target (1 ms), raised to the machine's own p99 floor lag with every core busy when
 * that is higher (a lag that a perfect generator would also see on this machine is the machine's,
 * not the generator's; on a quiet machine the floor is far below the target and changes nothing).
 * The ladder stops after two consecutive missed rates, so that one stray miss does not end it; the
 * ceiling is the highest rate held, and the missed rates below it are reported as isolated misses.
 * A ladder's steps are coarse (4,000 then 6,000 req/s), so a ceiling near a step would flip between
 * two steps 50 % apart from run to run; after the nearest miss above the ceiling,
 * {@link #refinement} tries the rate halfway between the two, until they are within the resolution
 * (right after that miss, before higher rates overload the machine; the stop rule counts the
 * ladder's own rates only).
 */
final class LadderRule {
  private LadderRule() {}

  /** The p99 lag a step may have: the target, or the machine's floor lag when that is higher. */
  static double lagLimitMs(double targetMs, double floorP99LagMs) {
    return Math.max(targetMs, floorP99LagMs);
  }

  /** Whether the ladder stops after these verdicts (one per rate, in order). */
  static boolean stop(List<Boolean> held) {
    int n = held.size();
    return n >= 2 && !held.get(n - 1) && !held.get(n - 2);
  }

  /** The highest rate held (0 when none). */
  static double ceiling(List<Double> rates, List<Boolean> held) {
    double c = 0;
    for (int i = 0; i < held.size(); i++) {
      if (held.get(i)) {
        c = Math.max(c, rates.get(i));
      }
    }
    return c;
  }

  /**
   * The rate to try next to narrow the ceiling down: halfway between the highest rate held and the
   * lowest missed rate above it, rounded to two significant digits; empty when no rate was held,
   * none above it was missed, or the two are already within {@code resolution} (a fraction of the
   * ceiling).
   */
  static OptionalDouble refinement(List<Double> rates, List<Boolean> held, double resolution) {
    double c = ceiling(rates, held);
    double above = lowestMissAbove(rates, held, c);
    if (c <= 0 || above == Double.POSITIVE_INFINITY || (above - c) / c <= resolution) {
      return OptionalDouble.empty();
    }
    double mid = (c + above) / 2;
    double unit = Math.pow(10, Math.floor(Math.log10(mid)) - 1);
    double rounded = Math.round(mid / unit) * unit;
    return rounded > c && rounded < above ? OptionalDouble.of(rounded) : OptionalDouble.empty();
  }

  /**
   * Whether a rate just missed is the nearest miss above the ceiling, the one to narrow the ceiling
   * towards; a later miss higher up (the second of two in a row) is not, and refining after it
   * would measure lower rates right after an overload.
   */
  static boolean nearestMissAbove(List<Double> rates, List<Boolean> held, double missed) {
    double c = ceiling(rates, held);
    return missed > c && lowestMissAbove(rates, held, c) == missed;
  }

  /** The lowest missed rate above {@code rate} (infinity when none). */
  private static double lowestMissAbove(List<Double> rates, List<Boolean> held, double rate) {
    double lowest = Double.POSITIVE_INFINITY;
    for (int i = 0; i < held.size(); i++) {
      if (!held.get(i) && rates.get(i) > rate) {
        lowest = Math.min(lowest, rates.get(i));
      }
    }
    return lowest;
  }

  /** The missed rates below the ceiling. */
  static List<Double> isolatedMisses(List<Double> rates, List<Boolean> held) {
    double c = ceiling(rates, held);
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < held.size(); i++) {
      if (!held.get(i) && rates.get(i) < c) {
        out.add(rates.get(i));
      }
    }
    return out;
  }
}
