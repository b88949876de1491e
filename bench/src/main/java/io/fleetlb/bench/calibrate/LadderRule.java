package io.fleetlb.bench.calibrate;

import java.util.ArrayList;
import java.util.List;

/**
 * What counts as a miss on calibrate's ladder, and where it stops. A rate is held when no request
 * failed, achieved/offered is at least the minimum and the p99 schedule lag is within the lag
 * limit: the target (1 ms), raised to the machine's own p99 floor lag with every core busy when
 * that is higher (a lag that a perfect generator would also see on this machine is the machine's,
 * not the generator's; on a quiet machine the floor is far below the target and changes nothing).
 * The ladder stops after two consecutive missed rates, so that one stray miss does not end it; the
 * ceiling is the highest rate held, and the missed rates below it are reported as isolated misses.
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
