package io.fleetlb.analysis.compare;

import io.fleetlb.analysis.input.Run;
import io.fleetlb.results.GroupFigures;
import io.fleetlb.results.RequestRecord;
import io.fleetlb.results.TelemetryFigures;
import io.fleetlb.results.ValidityReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an arm was and how it spread its load: label, URL, repetitions and their validity, each
 * replica's share of requests with its GPU and queue figures, the balance index per model, and its
 * per-second series averaged over repetitions, and its pooled TTFT and E2E latencies sorted.
 */
public record ArmProfile(
    String name,
    String label,
    List<String> urls,
    List<RunInfo> runs,
    List<ReplicaShare> replicas,
    Map<String, Balance> balance,
    ArmSeries series,
    boolean hasGpuTelemetry,
    double[] ttftSortedMs,
    double[] e2elSortedMs,
    String source,
    List<String> lacks) {

  /**
   * One repetition: where it is, whether it is valid and why not, its failures, its schedule lag
   * and the gates it was judged by (lag and gates null for imported runs).
   */
  public record RunInfo(
      String path,
      boolean valid,
      List<String> reasons,
      int failed,
      int requests,
      double durationS,
      String date,
      Double p99ScheduleLagMs,
      ValidityReport.LagGate lagGate,
      ValidityReport.Thresholds gates,
      String source) {}

  /** A replica's share of the arm's requests (mean per repetition) and its telemetry means. */
  public record ReplicaShare(
      String id,
      String model,
      double requests,
      double sharePct,
      double shareOfModelPct,
      double meanUtilPct,
      double meanPowerW,
      double meanWaiting) {}

  /**
   * Balance of a model's requests over its replicas: Jain's index and the coefficient of variation.
   */
  public record Balance(int replicas, double jainIndex, double cv) {}

  /** The same profile under another label (compare.sh --baseline-label / --managed-label). */
  public ArmProfile withLabel(String newLabel) {
    return new ArmProfile(
        name,
        newLabel,
        urls,
        runs,
        replicas,
        balance,
        series,
        hasGpuTelemetry,
        ttftSortedMs,
        e2elSortedMs,
        source,
        lacks);
  }

  static ArmProfile of(Arm arm) {
    List<Run> runs = arm.runs;
    List<RunInfo> infos = new ArrayList<>();
    List<String> urls = new ArrayList<>();
    for (Run r : runs) {
      ValidityReport v = r.result().validity();
      infos.add(
          new RunInfo(
              r.path().toString(),
              r.valid(),
              r.invalidReasons(),
              r.failed(),
              r.requests().length,
              r.durationS(),
              r.result().header().date() == null ? "" : r.result().header().date(),
              v == null ? null : v.p99ScheduleLagMs(),
              v == null ? null : v.scheduleLag(),
              r.thresholds(),
              r.source().tool()));
      if (!r.url().isEmpty() && !urls.contains(r.url())) {
        urls.add(r.url());
      }
    }
    String label = runs.get(0).label().isEmpty() ? arm.name : runs.get(0).label();
    Map<String, String> modelOf = new TreeMap<>();
    Map<String, Double> counts = new TreeMap<>();
    for (Run r : runs) {
      for (RequestRecord q : r.requests()) {
        String id = q.replica() == null ? "(none)" : q.replica();
        counts.merge(id, 1.0 / runs.size(), Double::sum);
        modelOf.putIfAbsent(id, q.model());
      }
      // replicas known from telemetry that received nothing still count in the balance
      for (Map.Entry<String, GroupFigures> e : r.result().perReplica().entrySet()) {
        counts.putIfAbsent(e.getKey(), 0.0);
        modelOf.putIfAbsent(e.getKey(), e.getValue().model() == null ? "" : e.getValue().model());
      }
    }
    double total = counts.values().stream().mapToDouble(Double::doubleValue).sum();
    Map<String, Double> perModel = new TreeMap<>();
    counts.forEach((id, c) -> perModel.merge(modelOf.get(id), c, Double::sum));
    List<ReplicaShare> shares = new ArrayList<>();
    boolean gpu = false;
    for (Map.Entry<String, Double> e : counts.entrySet()) {
      String id = e.getKey();
      double util = meanOver(runs, t -> gpu(t, id, TelemetryFigures.Gpu::meanUtilPct));
      gpu |= !Double.isNaN(util);
      double ofModel =
          perModel.get(modelOf.get(id)) == 0
              ? Double.NaN
              : 100 * e.getValue() / perModel.get(modelOf.get(id));
      shares.add(
          new ReplicaShare(
              id,
              modelOf.get(id),
              e.getValue(),
              total == 0 ? Double.NaN : 100 * e.getValue() / total,
              ofModel,
              util,
              meanOver(runs, t -> gpu(t, id, TelemetryFigures.Gpu::meanPowerW)),
              meanOver(
                  runs,
                  t ->
                      t.servers() == null || t.servers().get(id) == null
                          ? null
                          : t.servers().get(id).meanWaiting())));
    }
    Map<String, Balance> balance = new TreeMap<>();
    for (String model : perModel.keySet()) {
      List<Double> xs = new ArrayList<>();
      shares.stream()
          .filter(s -> model.equals(s.model()) && !"(none)".equals(s.id()))
          .forEach(s -> xs.add(s.requests()));
      if (!xs.isEmpty()) {
        balance.put(model, balanceOf(xs));
      }
    }
    Run first = runs.get(0);
    return new ArmProfile(
        arm.name,
        label,
        List.copyOf(urls),
        List.copyOf(infos),
        List.copyOf(shares),
        balance,
        ArmSeries.of(runs),
        gpu,
        sorted(runs, RequestRecord::ttft),
        sorted(runs, RequestRecord::e2el),
        first.source().tool(),
        first.source().lacks());
  }

  /** Jain's index (sum x)^2 / (n sum x^2) and CV (population std / mean) of per-replica counts. */
  static Balance balanceOf(List<Double> xs) {
    double s = 0;
    double s2 = 0;
    for (double x : xs) {
      s += x;
      s2 += x * x;
    }
    int n = xs.size();
    double mean = s / n;
    double var = s2 / n - mean * mean;
    return new Balance(
        n,
        s2 == 0 ? Double.NaN : s * s / (n * s2),
        mean == 0 ? Double.NaN : Math.sqrt(Math.max(0, var)) / mean);
  }

  /** The successful requests' values of all repetitions, sorted (for the CDF charts). */
  private static double[] sorted(
      List<Run> runs, java.util.function.ToDoubleFunction<RequestRecord> f) {
    return runs.stream()
        .flatMap(r -> java.util.Arrays.stream(r.requests()))
        .filter(RequestRecord::success)
        .mapToDouble(f)
        .filter(v -> !Double.isNaN(v))
        .sorted()
        .toArray();
  }

  private static Double gpu(
      TelemetryFigures t, String id, java.util.function.Function<TelemetryFigures.Gpu, Double> f) {
    TelemetryFigures.Gpu g = t.gpus() == null ? null : t.gpus().get(id);
    return g == null ? null : f.apply(g);
  }

  /** The mean over repetitions of a telemetry figure; NaN when none has it. */
  private static double meanOver(
      List<Run> runs, java.util.function.Function<TelemetryFigures, Double> f) {
    double s = 0;
    int n = 0;
    for (Run r : runs) {
      Double v = r.result().telemetry() == null ? null : f.apply(r.result().telemetry());
      if (v != null && !v.isNaN()) {
        s += v;
        n++;
      }
    }
    return n == 0 ? Double.NaN : s / n;
  }
}
