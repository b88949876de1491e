package io.fleetlb.analysis.compare;

import io.fleetlb.analysis.input.Run;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Compares each of several arms with the first (the baseline), pair by pair with one {@link
 * AbAnalysis}: the same paired bootstrap, seed, SLO and verdicts as a two-arm comparison, so a
 * pair's figures equal those of {@code compare.sh BASELINE ARM} alone.
 */
public final class MultiAnalysis {
  private final AbAnalysis analysis;

  public MultiAnalysis(AbAnalysis analysis) {
    this.analysis = analysis;
  }

  /**
   * @param arms each arm's repetitions, the baseline first (at least three arms)
   * @param names each arm's fallback name (its folder or file name), used when the runs' labels do
   *     not tell the arms apart
   * @param baselineLabel the baseline's name in the reports, or null for its runs' label
   */
  public MultiComparison compare(List<List<Run>> arms, List<String> names, String baselineLabel) {
    if (arms.size() < 3 || names.size() != arms.size()) {
      throw new IllegalArgumentException("a multi-arm comparison needs three or more named arms");
    }
    List<String> labels = labels(arms, names, baselineLabel);
    List<Comparison> pairs = new ArrayList<>();
    Set<String> reasons = new LinkedHashSet<>();
    Set<String> warnings = new LinkedHashSet<>();
    for (int k = 1; k < arms.size(); k++) {
      Comparison c =
          analysis
              .compare(arms.get(0), arms.get(k), null, labels.get(k))
              .withLabels(labels.get(0), labels.get(k));
      pairs.add(c);
      reasons.addAll(c.reasons());
      warnings.addAll(c.warnings());
    }
    return new MultiComparison(
        List.copyOf(pairs), reasons.isEmpty(), List.copyOf(reasons), List.copyOf(warnings));
  }

  /**
   * The runs' labels (bench run --label) when they tell every arm apart; else the arms' folder
   * names when those do; else baseline, arm 2, arm 3, ...
   */
  static List<String> labels(List<List<Run>> arms, List<String> names, String baselineLabel) {
    List<String> recorded = new ArrayList<>();
    for (int k = 0; k < arms.size(); k++) {
      String l = arms.get(k).get(0).label();
      recorded.add(
          k == 0 && baselineLabel != null ? baselineLabel : l.isEmpty() ? names.get(k) : l);
    }
    if (distinct(recorded)) {
      return recorded;
    }
    List<String> fallback = new ArrayList<>(names);
    if (baselineLabel != null) {
      fallback.set(0, baselineLabel);
    }
    if (distinct(fallback)) {
      return fallback;
    }
    List<String> numbered = new ArrayList<>();
    numbered.add(baselineLabel != null ? baselineLabel : "baseline");
    for (int k = 1; k < arms.size(); k++) {
      numbered.add("arm " + (k + 1));
    }
    return numbered;
  }

  private static boolean distinct(List<String> labels) {
    return new HashSet<>(labels).size() == labels.size();
  }
}
