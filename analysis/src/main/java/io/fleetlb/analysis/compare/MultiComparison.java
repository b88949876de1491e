package io.fleetlb.analysis.compare;

import java.util.ArrayList;
import java.util.List;

/**
 * A comparison of three or more arms: every arm after the first compared with the first (the
 * baseline), each pair exactly as a two-arm {@link Comparison}, with the same settings and SLO.
 *
 * @param pairs one comparison per non-baseline arm, in the order the arms were given; each pair's
 *     {@code managed} is that arm
 * @param valid every pair is valid
 * @param reasons why not, each reason once
 * @param warnings every pair's warnings, each once
 */
public record MultiComparison(
    List<Comparison> pairs, boolean valid, List<String> reasons, List<String> warnings) {

  /** The arm every other arm is compared with. */
  public ArmProfile baseline() {
    return pairs.get(0).baseline();
  }

  /** The baseline, then the other arms in order. */
  public List<ArmProfile> arms() {
    List<ArmProfile> out = new ArrayList<>();
    out.add(baseline());
    pairs.forEach(p -> out.add(p.managed()));
    return out;
  }

  /** The first pair: the workload, settings, hash and pairing every pair shares. */
  public Comparison first() {
    return pairs.get(0);
  }

  /**
   * Each arm's figure for a metric key (baseline first), or null when any arm lacks the metric or
   * could not measure it.
   */
  public double[] values(String key) {
    double[] out = new double[pairs.size() + 1];
    for (int k = 0; k < pairs.size(); k++) {
      MetricResult r = pairs.get(k).metric(key);
      if (r == null || !r.available()) {
        return null;
      }
      out[0] = r.baseline();
      out[k + 1] = r.managed();
    }
    return out;
  }
}
