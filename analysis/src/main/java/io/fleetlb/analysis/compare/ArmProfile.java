package io.fleetlb.analysis.compare;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetlb.analysis.input.RequestRecord;
import io.fleetlb.analysis.input.Run;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an arm was and how it spread its load: label, URL, repetitions and their validity, each
 * replica's share of requests with its GPU and queue figures, the balance index per model, and
 * its per-second series averaged over repetitions, and its pooled TTFT and E2E latencies sorted.
 */
public record ArmProfile(String name, String label, List<String> urls, List<RunInfo> runs,
    List<ReplicaShare> replicas, Map<String, Balance> balance, ArmSeries series, boolean hasGpuTelemetry,
    double[] ttftSortedMs, double[] e2elSortedMs) {

  /** One repetition: where it is, whether it is valid and why not, its failures. */
  public record RunInfo(String path, boolean valid, List<String> reasons, int failed, int requests,
      double durationS, String date, double p99ScheduleLagMs, double maxP99ScheduleLagMs) {
  }

  /** A replica's share of the arm's requests (mean per repetition) and its telemetry means. */
  public record ReplicaShare(String id, String model, double requests, double sharePct, double shareOfModelPct,
      double meanUtilPct, double meanPowerW, double meanWaiting) {
  }

  /** Balance of a model's requests over its replicas: Jain's index and the coefficient of variation. */
  public record Balance(int replicas, double jainIndex, double cv) {
  }

  /** The same profile under another label (compare.sh --baseline-label / --managed-label). */
  public ArmProfile withLabel(String newLabel) {
    return new ArmProfile(name, newLabel, urls, runs, replicas, balance, series, hasGpuTelemetry, ttftSortedMs,
        e2elSortedMs);
  }

  static ArmProfile of(Arm arm) {
    List<Run> runs = arm.runs;
    List<RunInfo> infos = new ArrayList<>();
    List<String> urls = new ArrayList<>();
    for (Run r : runs) {
      infos.add(new RunInfo(r.path().toString(), r.valid(), r.invalidReasons(), r.failed(), r.requests().length,
          r.durationS(), r.result().path("date").asText(""),
          r.result().path("validity").path("p99_schedule_lag_ms").asDouble(Double.NaN),
          r.result().path("validity").path("thresholds").path("max_p99_schedule_lag_ms").asDouble(Double.NaN)));
      if (!urls.contains(r.url())) {
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
      for (Iterator<Map.Entry<String, JsonNode>> it = r.result().path("per_replica").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        counts.putIfAbsent(e.getKey(), 0.0);
        modelOf.putIfAbsent(e.getKey(), e.getValue().path("model").asText(""));
      }
    }
    double total = counts.values().stream().mapToDouble(Double::doubleValue).sum();
    Map<String, Double> perModel = new TreeMap<>();
    counts.forEach((id, c) -> perModel.merge(modelOf.get(id), c, Double::sum));
    List<ReplicaShare> shares = new ArrayList<>();
    boolean gpu = false;
    for (Map.Entry<String, Double> e : counts.entrySet()) {
      String id = e.getKey();
      double util = meanOver(runs, "gpus", id, "mean_util_pct");
      gpu |= !Double.isNaN(util);
      double ofModel = perModel.get(modelOf.get(id)) == 0 ? Double.NaN : 100 * e.getValue() / perModel.get(modelOf.get(id));
      shares.add(new ReplicaShare(id, modelOf.get(id), e.getValue(), total == 0 ? Double.NaN : 100 * e.getValue() / total,
          ofModel, util, meanOver(runs, "gpus", id, "mean_power_w"), meanOver(runs, "servers", id, "mean_waiting")));
    }
    Map<String, Balance> balance = new TreeMap<>();
    for (String model : perModel.keySet()) {
      List<Double> xs = new ArrayList<>();
      shares.stream().filter(s -> model.equals(s.model()) && !"(none)".equals(s.id())).forEach(s -> xs.add(s.requests()));
      if (!xs.isEmpty()) {
        balance.put(model, balanceOf(xs));
      }
    }
    return new ArmProfile(arm.name, label, List.copyOf(urls), List.copyOf(infos), List.copyOf(shares), balance,
        ArmSeries.of(runs), gpu, sorted(runs, RequestRecord::ttftMs), sorted(runs, RequestRecord::e2elMs));
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
    return new Balance(n, s2 == 0 ? Double.NaN : s * s / (n * s2), mean == 0 ? Double.NaN : Math.sqrt(Math.max(0, var)) / mean);
  }

  /** The successful requests' values of all repetitions, sorted (for the CDF charts). */
  private static double[] sorted(List<Run> runs, java.util.function.ToDoubleFunction<RequestRecord> f) {
    return runs.stream().flatMap(r -> java.util.Arrays.stream(r.requests())).filter(RequestRecord::success)
        .mapToDouble(f).filter(v -> !Double.isNaN(v)).sorted().toArray();
  }

  private static double meanOver(List<Run> runs, String block, String id, String field) {
    double s = 0;
    int n = 0;
    for (Run r : runs) {
      JsonNode v = r.result().path("telemetry").path(block).path(id).path(field);
      if (v.isNumber()) {
        s += v.asDouble();
        n++;
      }
    }
    return n == 0 ? Double.NaN : s / n;
  }
}
