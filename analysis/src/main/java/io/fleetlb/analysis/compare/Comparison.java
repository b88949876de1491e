package io.fleetlb.analysis.compare;

import io.fleetlb.analysis.sweep.SweepResult;
import io.fleetlb.results.Slo;
import java.util.List;
import java.util.Map;

/**
 * Everything one comparison found, ready for the reports: validity with reasons, the workload, the
 * settings of the statistics, each metric overall and per model, paired per-request deltas, the
 * arms' profiles, and the sweep's capacity results when a sweep was given.
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
    SweepResult sweep,
    String pairing) {

  /** The metric the headline leads with by default. */
  public static final String DEFAULT_HEADLINE = "p99_ttft_ms";

  /**
   * The statistics' settings, recorded so a reader can reproduce the numbers.
   *
   * @param slo the goodput SLO, or null to use the one the runs recorded (else {@link
   *     #DEFAULT_SLO})
   * @param sloSource where the SLO came from: {@code --goodput}, {@code runs} or {@code default}
   * @param headline the key of the metric the headline leads with
   */
  public record Settings(
      long seed,
      int bootstrap,
      Slo slo,
      String sloSource,
      double maxFailureRate,
      double minEffectPct,
      String headline) {
    /**
     * Settings with no practical margin (every significant change gets a verdict) and the default
     * headline.
     */
    public Settings(long seed, int bootstrap, Slo slo, double maxFailureRate) {
      this(
          seed,
          bootstrap,
          slo,
          slo == null ? null : "--goodput",
          maxFailureRate,
          0,
          DEFAULT_HEADLINE);
    }

    /** These settings with the SLO a comparison resolved. */
    public Settings withSlo(Slo resolved, String source) {
      return new Settings(
          seed, bootstrap, resolved, source, maxFailureRate, minEffectPct, headline);
    }
  }

  /**
   * The SLO when neither --goodput nor the runs give one: interactive chat, 1 s to the first token,
   * 20 tokens/s.
   */
  public static final Slo DEFAULT_SLO = new Slo(1000.0, 50.0, null);

  /** The replayed workload as its header describes it. */
  public record WorkloadInfo(
      int requests,
      double spanS,
      Object requestRate,
      Object burstiness,
      List<String> models,
      Map<String, Double> modelShares,
      String dataset,
      long seed,
      String outputLenDist,
      String inputDesc) {}

  /** This comparison with the arms relabelled; null keeps a label. */
  public Comparison withLabels(String baselineLabel, String managedLabel) {
    return new Comparison(
        valid,
        reasons,
        warnings,
        workloadHash,
        workload,
        settings,
        baselineLabel == null ? baseline : baseline.withLabel(baselineLabel),
        managedLabel == null ? managed : managed.withLabel(managedLabel),
        metrics,
        perModel,
        paired,
        sweep,
        pairing);
  }

  /** The result for one metric key, or null. */
  public MetricResult metric(String key) {
    return metrics.stream().filter(m -> m.key().equals(key)).findFirst().orElse(null);
  }
}
