package io.fleetlb.analysis.compare;

import io.fleetlb.analysis.input.Slo;
import io.fleetlb.analysis.sweep.SweepResult;
import java.util.List;
import java.util.Map;

/**
 * Everything one comparison found, ready for the reports: validity with reasons, the workload,
 * the settings of the statistics, each metric overall and per model, paired per-request deltas,
 * the arms' profiles, and the sweep's capacity results when a sweep was given.
 */
public record Comparison(
    boolean valid,
    List<String> reasons,
    List<String> warnings,
    String workloadHash,
    WorkloadInfo workload,
    Settings settings,
    ArmProfile baseline,
    ArmProfile managed,
    List<MetricResult> metrics,
    Map<String, List<MetricResult>> perModel,
    List<PairedDeltas.Summary> paired,
    SweepResult sweep) {

  /** The statistics' settings, recorded so a reader can reproduce the numbers. */
  public record Settings(long seed, int bootstrap, Slo slo, boolean sloDefaulted, double maxFailureRate,
      double minEffectPct) {
    /** Settings with no practical margin (every significant change gets a verdict). */
    public Settings(long seed, int bootstrap, Slo slo, boolean sloDefaulted, double maxFailureRate) {
      this(seed, bootstrap, slo, sloDefaulted, maxFailureRate, 0);
    }
  }

  /** The replayed workload as its header describes it. */
  public record WorkloadInfo(int requests, double spanS, Object requestRate, Object burstiness, List<String> models,
      Map<String, Double> modelShares, String dataset, long seed, String outputLenDist, String inputDesc) {
  }

  /** This comparison with the arms relabelled; null keeps a label. */
  public Comparison withLabels(String baselineLabel, String managedLabel) {
    return new Comparison(valid, reasons, warnings, workloadHash, workload, settings,
        baselineLabel == null ? baseline : baseline.withLabel(baselineLabel),
        managedLabel == null ? managed : managed.withLabel(managedLabel), metrics, perModel, paired, sweep);
  }

  /** The result for one metric key, or null. */
  public MetricResult metric(String key) {
    return metrics.stream().filter(m -> m.key().equals(key)).findFirst().orElse(null);
  }
}
