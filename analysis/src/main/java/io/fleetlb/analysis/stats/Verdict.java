package io.fleetlb.analysis.stats;

/**
 * The verdict on one metric from the 95% interval of managed minus baseline: {@code same} when the
 * interval contains 0 (no significant difference) or the change is smaller than the practical
 * margin ({@code --min-effect}, a percentage of the baseline), else {@code better} or {@code worse}
 * according to the metric's direction.
 */
public enum Verdict {
  BETTER,
  WORSE,
  SAME;

  /** The verdict for this interval of (managed - baseline); no interval means no evidence: same. */
  public static Verdict of(Direction direction, Interval ci95) {
    return of(direction, ci95, Double.NaN, 0);
  }

  /**
   * The verdict with a practical margin: a significant change of less than {@code minEffectPct}
   * percent of the baseline ({@code deltaPct}; NaN when the baseline is 0, then no margin applies)
   * is {@code same}.
   */
  public static Verdict of(
      Direction direction, Interval ci95, double deltaPct, double minEffectPct) {
    if (ci95 == null || ci95.contains(0)) {
      return SAME;
    }
    if (!Double.isNaN(deltaPct) && Math.abs(deltaPct) < minEffectPct) {
      return SAME;
    }
    boolean up = ci95.lo() > 0;
    return up == (direction == Direction.HIGHER_IS_BETTER) ? BETTER : WORSE;
  }

  /** The word written in comparison.json and the reports. */
  public String word() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
