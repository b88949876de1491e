package io.fleetlb.analysis.compare;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetlb.analysis.input.Run;
import io.fleetlb.analysis.input.Slo;
import io.fleetlb.analysis.sweep.SweepResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** Compares a baseline arm with a managed arm: validity, paired bootstrap statistics, profiles. */
public final class AbAnalysis {
  private final Comparison.Settings settings;

  public AbAnalysis(Comparison.Settings settings) {
    this.settings = settings;
  }

  /**
   * @param baselineRuns the baseline's repetitions (at least one)
   * @param managedRuns the managed arm's repetitions (at least one)
   * @param sweep the sweep's result, or null
   */
  public Comparison compare(List<Run> baselineRuns, List<Run> managedRuns, SweepResult sweep) {
    String hash = Validity.requireSameWorkload(baselineRuns, managedRuns);
    String[] models = models(baselineRuns.get(0));
    Arm baseline = new Arm("baseline", baselineRuns, models, settings.slo());
    Arm managed = new Arm("managed", managedRuns, models, settings.slo());
    ArmProfile pb = ArmProfile.of(baseline);
    ArmProfile pm = ArmProfile.of(managed);
    if (pb.label().equals(pm.label())) {
      // runs labelled alike (bench's default label is the backend) would be indistinguishable in the reports
      pb = pb.withLabel(baseline.name());
      pm = pm.withLabel(managed.name());
    }
    Validity validity = Validity.check(baselineRuns, managedRuns, settings.maxFailureRate(), pb.hasGpuTelemetry(),
        pm.hasGpuTelemetry());

    Bootstrap bootstrap = new Bootstrap(settings.seed(), settings.bootstrap(), settings.minEffectPct());
    List<Bootstrap.Task> tasks = new ArrayList<>();
    for (Metric m : MetricCatalog.overall()) {
      tasks.add(new Bootstrap.Task(m, baseline.all(), managed.all()));
    }
    List<String> modelNames = new ArrayList<>(new LinkedHashSet<>(List.of(models)));
    // the workload's own order (its --model flags), as bench's tables use
    List<String> declared = List.of(baselineRuns.get(0).result().path("model_id").asText("").split(","));
    modelNames.sort(java.util.Comparator.comparingInt(mn -> declared.contains(mn) ? declared.indexOf(mn) : declared.size()));
    List<Metric> perModelMetrics = MetricCatalog.perModel();
    if (modelNames.size() > 1) {
      for (String model : modelNames) {
        for (Metric m : perModelMetrics) {
          tasks.add(new Bootstrap.Task(m, baseline.scope(model, models), managed.scope(model, models)));
        }
      }
    }
    List<MetricResult> results = bootstrap.run(tasks, baseline, managed);
    List<MetricResult> overall = new ArrayList<>();
    Map<String, List<MetricResult>> perModel = new LinkedHashMap<>();
    for (int t = 0; t < tasks.size(); t++) {
      String model = tasks.get(t).baseline().model;
      MetricResult r = results.get(t);
      if (model == null) {
        // a figure with no data in either arm (no telemetry) is left out rather than shown empty
        if (!Double.isNaN(r.baseline()) || !Double.isNaN(r.managed())) {
          overall.add(r);
        }
      } else {
        perModel.computeIfAbsent(model, k -> new ArrayList<>()).add(r);
      }
    }
    List<PairedDeltas.Summary> paired = PairedDeltas.compute(baseline, managed, settings.seed(), settings.bootstrap());
    List<String> reasons = List.copyOf(validity.reasons);
    List<String> warnings = new ArrayList<>(validity.warnings);
    if (sweep != null) {
      warnings.addAll(sweep.warnings());
    }
    return new Comparison(reasons.isEmpty(), reasons, List.copyOf(warnings), hash,
        workload(baselineRuns.get(0), models), settings, pb, pm, List.copyOf(overall), perModel, paired, sweep);
  }

  private static String[] models(Run run) {
    String[] m = new String[run.requests().length];
    for (int i = 0; i < m.length; i++) {
      m[i] = run.requests()[i].model();
    }
    return m;
  }

  private static Comparison.WorkloadInfo workload(Run run, String[] models) {
    JsonNode w = run.result().path("workload");
    JsonNode s = w.path("settings");
    Map<String, Double> counted = new LinkedHashMap<>();
    for (String m : models) {
      counted.merge(m, 100.0 / models.length, Double::sum);
    }
    Map<String, Double> shares = new LinkedHashMap<>();
    for (String m : run.result().path("model_id").asText("").split(",")) {
      if (counted.containsKey(m)) {
        shares.put(m, counted.remove(m));
      }
    }
    shares.putAll(counted);
    String input = s.path("input_len_dist").isTextual() ? s.path("input_len_dist").asText()
        : s.path("random_input_len").isNumber() ? s.path("random_input_len").asText() : "";
    String output = s.path("output_len_dist").isTextual() ? s.path("output_len_dist").asText()
        : s.path("random_output_len").isNumber() ? s.path("random_output_len").asText() : "";
    return new Comparison.WorkloadInfo(models.length, w.path("span_s").asDouble(Double.NaN),
        value(run.result().path("request_rate")), value(run.result().path("burstiness")),
        List.copyOf(shares.keySet()), shares, w.path("dataset").path("name").asText(s.path("dataset_name").asText("")),
        w.path("seed").asLong(0), output, input);
  }

  private static Object value(JsonNode n) {
    return n.isNumber() ? (Object) n.asDouble() : n.isTextual() ? n.asText() : null;
  }
}
