package io.fleetlb.analysis.compare;

import io.fleetlb.analysis.input.Run;
import io.fleetlb.analysis.sweep.SweepResult;
import io.fleetlb.results.RunHeader;
import io.fleetlb.results.Slo;
import io.fleetlb.results.WorkloadInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Compares a baseline arm with a managed arm: validity, paired bootstrap statistics, profiles. */
public final class AbAnalysis {
  private final Comparison.Settings settings;

  /**
   * @param settings the statistics' settings; a null SLO is resolved from the runs ({@link
   *     #resolveSlo})
   */
  public AbAnalysis(Comparison.Settings settings) {
    this.settings = settings;
  }

  /** The SLO a comparison uses, where it came from, and a warning when the runs disagree. */
  public record SloChoice(Slo slo, String source, String warning) {}

  /**
   * The SLO to judge goodput by: the one given on the command line; else the one the runs recorded
   * ({@code goodput_slo}), so that re-running a comparison reproduces it; else the default.
   */
  public static SloChoice resolveSlo(Slo given, List<Run> runs) {
    if (given != null) {
      return new SloChoice(given, "--goodput", null);
    }
    Set<Slo> recorded = new LinkedHashSet<>();
    runs.stream().map(Run::slo).filter(s -> s != null && !s.isEmpty()).forEach(recorded::add);
    if (recorded.isEmpty()) {
      return new SloChoice(Comparison.DEFAULT_SLO, "default", null);
    }
    Slo first = recorded.iterator().next();
    String warning =
        recorded.size() == 1
            ? null
            : "the runs recorded different goodput SLOs ("
                + String.join("; ", recorded.stream().map(Slo::text).toList())
                + "); this comparison uses "
                + first.text()
                + " for both arms (choose with --goodput)";
    return new SloChoice(first, "runs", warning);
  }

  /**
   * @param baselineRuns the baseline's repetitions (at least one)
   * @param managedRuns the managed arm's repetitions (at least one)
   * @param sweep the sweep's result, or null
   */
  public Comparison compare(List<Run> baselineRuns, List<Run> managedRuns, SweepResult sweep) {
    return compare(baselineRuns, managedRuns, sweep, "managed");
  }

  /**
   * As {@link #compare(List, List, SweepResult)}, with the name the validity reasons and warnings
   * give the second arm (one arm of several: its label).
   */
  public Comparison compare(
      List<Run> baselineRuns, List<Run> managedRuns, SweepResult sweep, String managedName) {
    List<String> warnings = new ArrayList<>();
    Validity.Pairing pairing = Validity.pairing(baselineRuns, managedRuns, warnings);
    List<Run> all = new ArrayList<>(baselineRuns);
    all.addAll(managedRuns);
    Comparison.Settings s = settings;
    if (s.slo() == null) {
      SloChoice choice = resolveSlo(null, all);
      s = s.withSlo(choice.slo(), choice.source());
      if (choice.warning() != null) {
        warnings.add(choice.warning());
      }
    }
    Arm baseline = new Arm("baseline", baselineRuns, s.slo());
    Arm managed = new Arm("managed", managedRuns, s.slo());
    ArmProfile pb = ArmProfile.of(baseline);
    ArmProfile pm = ArmProfile.of(managed);
    if (pb.label().equals(pm.label())) {
      // runs labelled alike (bench's default label is the backend) would be indistinguishable in
      // the reports
      pb = pb.withLabel(baseline.name());
      pm = pm.withLabel(managed.name());
    }
    Validity validity =
        Validity.check(
            baselineRuns,
            managedRuns,
            s.maxFailureRate(),
            pb.hasGpuTelemetry(),
            pm.hasGpuTelemetry(),
            managedName);
    for (ArmProfile p : List.of(pb, pm)) {
      if (!p.lacks().isEmpty()) {
        warnings.add(
            p.label()
                + " was imported from "
                + p.source()
                + "; it lacks "
                + String.join("; ", p.lacks())
                + ". Those figures show as n/a");
      }
    }

    Bootstrap bootstrap = new Bootstrap(s.seed(), s.bootstrap(), s.minEffectPct());
    List<Bootstrap.Task> tasks = new ArrayList<>();
    for (Metric m : MetricCatalog.overall()) {
      tasks.add(new Bootstrap.Task(m, baseline.all(), managed.all()));
    }
    List<String> modelNames = modelOrder(baselineRuns.get(0), baseline, managed);
    if (modelNames.size() > 1) {
      for (String model : modelNames) {
        for (Metric m : MetricCatalog.perModel()) {
          tasks.add(new Bootstrap.Task(m, baseline.scope(model), managed.scope(model)));
        }
      }
    }
    List<MetricResult> results = bootstrap.run(tasks, baseline, managed, pairing.paired());
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
    List<PairedDeltas.Summary> paired =
        pairing.paired()
            ? PairedDeltas.compute(baseline, managed, s.seed(), s.bootstrap())
            : List.of();
    List<String> reasons = List.copyOf(validity.reasons);
    warnings.addAll(validity.warnings);
    if (sweep != null) {
      warnings.addAll(sweep.warnings());
    }
    Run described =
        all.stream().filter(r -> !r.source().imported()).findFirst().orElse(baselineRuns.get(0));
    String hash =
        all.stream().map(Run::workloadHash).filter(h -> !h.isEmpty()).findFirst().orElse("");
    return new Comparison(
        reasons.isEmpty(),
        reasons,
        List.copyOf(warnings),
        hash,
        workload(described, baselineRuns.contains(described) ? baseline : managed),
        s,
        pb,
        pm,
        List.copyOf(overall),
        perModel,
        paired,
        sweep,
        pairing.name().toLowerCase(java.util.Locale.ROOT));
  }

  /**
   * The models of both arms in the workload's own order (its --model flags), as bench's tables use.
   */
  private static List<String> modelOrder(Run first, Arm baseline, Arm managed) {
    Set<String> names = new LinkedHashSet<>(List.of(baseline.models));
    names.addAll(List.of(managed.models));
    List<String> declared =
        List.of(
            first.result().header().modelId() == null
                ? new String[0]
                : first.result().header().modelId().split(","));
    List<String> out = new ArrayList<>(names);
    out.sort(
        java.util.Comparator.comparingInt(
            mn -> declared.contains(mn) ? declared.indexOf(mn) : declared.size()));
    return out;
  }

  private static Comparison.WorkloadInfo workload(Run run, Arm arm) {
    String[] models = arm.models;
    RunHeader h = run.result().header();
    WorkloadInfo w = run.result().workload();
    Map<String, Double> counted = new LinkedHashMap<>();
    for (String m : models) {
      counted.merge(m, 100.0 / models.length, Double::sum);
    }
    Map<String, Double> shares = new LinkedHashMap<>();
    for (String m : h.modelId() == null ? new String[0] : h.modelId().split(",")) {
      if (counted.containsKey(m)) {
        shares.put(m, counted.remove(m));
      }
    }
    shares.putAll(counted);
    String input =
        w == null
            ? ""
            : w.setting("input_len_dist") != null
                ? w.setting("input_len_dist")
                : w.setting("random_input_len") != null ? w.setting("random_input_len") : "";
    String output =
        w == null
            ? ""
            : w.setting("output_len_dist") != null
                ? w.setting("output_len_dist")
                : w.setting("random_output_len") != null ? w.setting("random_output_len") : "";
    String dataset =
        w == null
            ? run.source().tool() + " export"
            : w.dataset() != null && w.dataset().path("name").isTextual()
                ? w.dataset().path("name").asText()
                : w.setting("dataset_name") == null ? "" : w.setting("dataset_name");
    return new Comparison.WorkloadInfo(
        models.length,
        w == null || w.spanS() == null ? Double.NaN : w.spanS(),
        value(h.requestRate()),
        value(h.burstiness()),
        List.copyOf(shares.keySet()),
        shares,
        dataset,
        w == null || w.seed() == null ? 0 : w.seed(),
        output,
        input);
  }

  /** A rate as the reports print it: a number, or "inf". */
  private static Object value(Double v) {
    return v == null ? null : v.isInfinite() ? "inf" : (Object) v;
  }
}
